// Exercise 06-2: late events, judged per partition. Write the part marked TODO; check it with
//   bun run exercise check 06-2-late-events
import { todo } from '../../lib/exercises/missing.ts';
import type { Transaction } from '../../lib/schema.ts';

export type Options = { sizeMs: number; boundMs: number; latenessMs: number };
export type Routed = {
  /** per tumbling window and category, `${windowStart}|${category}` → events counted */
  counts: Map<string, number>;
  /** the transaction ids sent to the late output, in the order they were read */
  late: string[];
};

/**
 * Tumbling windows of `sizeMs` per merchant_category over each partition's events (in offset order).
 * A partition's watermark is the largest event time read from it so far, minus `boundMs`. An event is
 * late when its window's end + `latenessMs` is at or below its own partition's watermark (as it was
 * before the event): it goes to `late` and counts nowhere. Every other event counts in its window.
 */
export function route(partitions: Map<number, Transaction[]>, o: Options): Routed {
  const counts = new Map<string, number>();
  const late: string[] = [];
  for (const [, events] of partitions) {
    for (const e of events) {
      const t = Date.parse(e.timestamp);
      const start = t - (t % o.sizeMs);
      // TODO: keep this partition's stream time; decide whether the event is late; count it or send it to `late`
      todo(`route: the lateness rule for ${e.transaction_id} at ${start}`);
    }
  }
  return { counts, late };
}
