// The transactions lab 05 produces, from the seeded generator.
//
// Episodes. The generator is seeded: every run would replay the same transactions, and the database
// (which keeps every run's rows) would then hold this run's "new" devices and amounts already, from
// the last one. An episode skips ahead in the stream: the same customers (homes, devices, spending
// habits), different transactions. The run prints its episode; `--episode N` replays it.
//
// Fresh ids. Reviews are keyed by transaction id (a redelivered message must find its review), so
// each run's events get fresh ids: a replayed episode is reviewed again instead of being taken for a
// redelivery of the last run's.
//
// Time-lapse. The injected patterns unfold over minutes of event time (a jump abroad 2–20 minutes
// after a purchase at home, a streak over half an hour): too slow for a lab of a minute. At speed k
// the stream's event time runs k times faster than the wall clock; the events keep their own
// timestamps (the rules and the database work in event time), only the sending is paced in wall time.
import type { Scheduled, TransactionGenerator } from '../../lib/generator/index.ts';

export const EVENTS_PER_EPISODE = 100;

export function skipToEpisode(gen: TransactionGenerator, episode: number): void {
  if (episode > 0) gen.backfill(episode * EVENTS_PER_EPISODE, 0, 86_400_000);
}

export function withFreshId(e: Scheduled): Scheduled {
  const id = crypto.randomUUID();
  return { ...e, event: { ...e.event, transaction_id: id }, label: e.label && { ...e.label, transaction_id: id } };
}

/**
 * The live stream from `startMs`: `ratePerS` events per wall-clock second, event time running `speed`
 * times faster, fresh ids; `each` sees every event as it is drawn. `timeMs` (when to send) is wall time.
 * With `durationS` the stream ends with the run, and only fraud patterns that finish inside it start,
 * so every label the lab scores names a pattern that happened in full.
 */
export function* liveStream(
  gen: TransactionGenerator,
  startMs: number,
  ratePerS: number,
  speed: number,
  each: (e: Scheduled) => void,
  durationS?: number,
): Generator<Scheduled> {
  const end = durationS === undefined ? {} : { endMs: startMs + durationS * 1000 * speed };
  for (const e of gen.stream(startMs, ratePerS / speed, end)) {
    const out = { ...withFreshId(e), timeMs: startMs + (e.timeMs - startMs) / speed };
    each(out);
    yield out;
  }
}
