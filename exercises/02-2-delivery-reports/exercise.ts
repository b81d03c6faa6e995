// Exercise 02-2: delivery reports, one send per partition. Write the part marked TODO; check it with
//   bun run exercise check 02-2-delivery-reports
import type { Message, Producer } from 'kafkajs';
import { todo } from '../../lib/exercises/missing.ts';
import { partitionFor } from '../../lib/partitioner.ts';
import type { Transaction } from '../../lib/schema.ts';

/** What became of one event: acknowledged by Kafka at `partition`@`offset`, or failed with the reason. */
export type Report =
  | { transaction_id: string; ok: true; partition: number; offset: number }
  | { transaction_id: string; ok: false; error: string };

/** An event's record: keyed by customer_id, its timestamp the event's time. */
export const toMessage = (e: Transaction): Message => ({
  key: e.customer_id,
  value: JSON.stringify(e),
  timestamp: String(Date.parse(e.timestamp)),
});

/**
 * Sends `events` to `topic` (which has `partitions` partitions) with acks=all, and reports, for every
 * event, what Kafka did with it: acked, at which partition and offset, or failed, with the error.
 * One producer.send() per partition (never one that spans partitions: its outcome cannot say which
 * partitions took their records), all in parallel; a partition's records in the order given, so each
 * customer's events stay in order. Never throws: a failure is in the reports.
 */
export async function deliver(
  producer: Producer,
  topic: string,
  partitions: number,
  events: readonly Transaction[],
): Promise<Report[]> {
  // TODO: group the events by partitionFor(customer_id, partitions), keeping their order; one
  // producer.send({ topic, acks: -1, messages }) per group, in parallel; report each event from its own
  // group's outcome (a record's offset: the send's baseOffset + its index in the group)
  return todo('deliver in exercises/02-2-delivery-reports/exercise.ts');
}
