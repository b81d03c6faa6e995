// A plausible wrong answer to exercise 03-1 (the tests check that its check fails on it): the
// reference solution with a two-sided rule, Math.abs and `>=`: an event sent late (an offline terminal
// catching up) is rejected as if it came from the future, and one exactly at the limit too.
import type { RejectReason } from '../../lib/sink/counters.ts';
import { type InMessage, type Reject, classify } from '../../lib/sink/decode.ts';
import type { SinkRow } from '../../lib/sink/rows.ts';

export const MAX_AHEAD_MS = 5 * 60_000;

export type Reason = RejectReason | 'future_event';
export type Rejected = Omit<Reject, 'reason'> & { reason: Reason };

export function classifyWithRules(messages: readonly InMessage[], partition: number) {
  const { rows, rejects } = classify(messages, partition);
  const byOffset = new Map(messages.map((m) => [m.offset, m]));
  const kept: SinkRow[] = [];
  const rejected: Rejected[] = [...rejects];
  for (const row of rows) {
    const message = byOffset.get(row.origin!.offset)!;
    // two clocks: the event's (the device's, inside the value) and the record's (the producer's, outside it);
    // the wall clock of the sink is neither: a replay next week must decide the same
    const aheadMs = Date.parse(row.tx.timestamp) - row.origin!.timestampMs;
    // (wrong) too far apart either way, the limit included
    if (Math.abs(aheadMs) >= MAX_AHEAD_MS)
      rejected.push({
        message,
        reason: 'future_event',
        error: `timestamp ${row.tx.timestamp} is ${(aheadMs / 1000).toFixed(3)} s after its Kafka record's (${new Date(row.origin!.timestampMs).toISOString()}); at most ${MAX_AHEAD_MS / 1000} s is accepted`,
      });
    else kept.push(row);
  }
  return { rows: kept, rejects: rejected };
}
