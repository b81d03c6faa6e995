// Lab 03's input, made here so the lab runs alone: a burst of backfilled transactions (the last 7 days)
// with `bad` deliberately bad messages of each class mixed in at seeded positions (malformed, schema
// violations, oversized, and conflicts: an id of the burst reused with another amount or customer),
// then a live stream from the same generator, without fraud labels (the labels are lab 05's).
import { type GeneratorOptions, type Scheduled, TransactionGenerator } from '../../lib/generator/index.ts';
import { type InputMessage, badMessages, conflictingMessages, good, interleave } from '../../lib/fixtures/messages.ts';
import { seededRng } from '../../lib/random.ts';

const DAY_MS = 86_400_000;

export type LabInput = {
  /** backfilled events in the burst */
  events: number;
  bad: InputMessage[];
  /** the backfilled events as messages, the bad ones among them */
  burst: InputMessage[];
  /** the live stream from `startMs` at `rate` events/s (× PEAK_FACTOR in peak hours) */
  live(startMs: number, rate: number): Generator<Scheduled>;
};

export function labInput(
  generator: Omit<GeneratorOptions, 'seed'>,
  o: { seed: number; events: number; bad: number },
): LabInput {
  const gen = new TransactionGenerator({ ...generator, seed: o.seed });
  const now = Date.now();
  const history = gen.backfill(o.events, now - 7 * DAY_MS, now);
  const bad = [
    ...badMessages((history[0] ?? gen.backfill(1, now - 1000, now)[0]!).event, o.bad),
    ...conflictingMessages(history.slice(1, 1 + o.bad).map((s) => s.event)),
  ];
  return {
    events: history.length,
    bad,
    burst: interleave(
      history.map((s) => good(s.event)),
      bad,
      seededRng(o.seed),
    ),
    live: (startMs, rate) => withoutLabels(gen.stream(startMs, rate)),
  };
}

function* withoutLabels(stream: Iterator<Scheduled>): Generator<Scheduled> {
  for (let r = stream.next(); !r.done; r = stream.next()) yield { ...r.value, label: null };
}
