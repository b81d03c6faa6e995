// A plausible wrong answer to exercise 06-2 (the tests check that its check fails on it): the
// reference solution with one stream time for all partitions instead of one per partition: a fast
// partition makes a slow one's on-time events late.
import type { Transaction } from '../../lib/schema.ts';

export type Options = { sizeMs: number; boundMs: number; latenessMs: number };
export type Routed = { counts: Map<string, number>; late: string[] };

export function route(partitions: Map<number, Transaction[]>, o: Options): Routed {
  const counts = new Map<string, number>();
  const late: string[] = [];
  // (wrong) one stream time, however many partitions
  let streamTime = Number.NEGATIVE_INFINITY;
  for (const [, events] of partitions) {
    for (const e of events) {
      const t = Date.parse(e.timestamp);
      const start = t - (t % o.sizeMs);
      const watermark = streamTime - o.boundMs; // before this event
      if (start + o.sizeMs + o.latenessMs <= watermark) late.push(e.transaction_id);
      else {
        const k = `${start}|${e.merchant_category}`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      streamTime = Math.max(streamTime, t); // a late event never moves it back
    }
  }
  return { counts, late };
}
