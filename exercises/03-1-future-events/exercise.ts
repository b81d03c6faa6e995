// Exercise 03-1: a rule the schema cannot see, routed to the dead-letter topic with its reason. Write the
// part marked TODO; check it with
//   bun run exercise check 03-1-future-events
import { todo } from '../../lib/exercises/missing.ts';
import type { RejectReason } from '../../lib/sink/counters.ts';
import { type InMessage, type Reject, classify } from '../../lib/sink/decode.ts';
import type { SinkRow } from '../../lib/sink/rows.ts';

/** How far an event's own time may be ahead of the moment its record was sent: device clocks drift a little. */
export const MAX_AHEAD_MS = 5 * 60_000;

/** The sink's reasons, and the new one. */
export type Reason = RejectReason | 'future_event';
export type Rejected = Omit<Reject, 'reason'> & { reason: Reason };

/**
 * The sink's classifier (lib/sink/decode.ts: malformed JSON, schema violations, oversized messages),
 * plus a rule the event schema cannot express, because it needs the Kafka record around the event:
 *
 * An event whose `timestamp` is more than MAX_AHEAD_MS after its record's timestamp (`row.origin.
 * timestampMs`: CreateTime, when the producer sent it) claims to have happened after it was sent. Its
 * device clock is wrong, and its time would put it in a minute, hour and window it does not belong
 * to: it is rejected with reason `future_event` and an error that says by how much it was ahead.
 * Exactly MAX_AHEAD_MS ahead is still accepted. An event sent long after it happened (a payment
 * terminal that was offline and uploads its day) is normal, and is stored.
 *
 * A rejected row is not stored; its reject carries the original Kafka message (the dead-letter record
 * keeps its bytes, offset and timestamp, so it can be fixed and replayed).
 */
export function classifyWithRules(messages: readonly InMessage[], partition: number) {
  const { rows, rejects } = classify(messages, partition);
  const byOffset = new Map(messages.map((m) => [m.offset, m]));
  const kept: SinkRow[] = [];
  const rejected: Rejected[] = [...rejects];
  for (const row of rows) {
    const message = byOffset.get(row.origin!.offset)!;
    // TODO: the future_event rule: push { message, reason: 'future_event', error } to `rejected`, or keep the row
    todo(`classifyWithRules: the future_event rule for ${row.tx.transaction_id} (record at offset ${message.offset})`);
  }
  return { rows: kept, rejects: rejected };
}
