// A plausible wrong answer to exercise 02-2 (the tests check that its check fails on it): the
// reference solution with one send() for the whole call instead of one per partition. The broker
// refuses only the partition with the oversized event and stores the others, but the send fails as a
// whole, so stored events are reported failed (and a retry would store them twice).
import type { Message, Producer } from 'kafkajs';
import { partitionFor } from '../../lib/partitioner.ts';
import type { Transaction } from '../../lib/schema.ts';

export type Report =
  | { transaction_id: string; ok: true; partition: number; offset: number }
  | { transaction_id: string; ok: false; error: string };

export const toMessage = (e: Transaction): Message => ({
  key: e.customer_id,
  value: JSON.stringify(e),
  timestamp: String(Date.parse(e.timestamp)),
});

export async function deliver(
  producer: Producer,
  topic: string,
  partitions: number,
  events: readonly Transaction[],
): Promise<Report[]> {
  // placed as Kafka's default partitioner would, each partition's events in the order given
  const groups = new Map<number, Transaction[]>();
  for (const e of events) {
    const p = partitionFor(e.customer_id, partitions);
    const g = groups.get(p);
    if (g) g.push(e);
    else groups.set(p, [e]);
  }
  try {
    // (wrong) every partition's batch in one request: all acked, or all failed
    const metas = await producer.send({
      topic,
      acks: -1,
      messages: [...groups].flatMap(([partition, group]) => group.map((e) => ({ ...toMessage(e), partition }))),
    });
    const base = new Map(metas.map((m) => [m.partition, Number(m.baseOffset)]));
    return [...groups].flatMap(([partition, group]) =>
      group.map(
        (e, i): Report => ({ transaction_id: e.transaction_id, ok: true, partition, offset: base.get(partition)! + i }),
      ),
    );
  } catch (err) {
    const error = (err as Error).message;
    return events.map((e) => ({ transaction_id: e.transaction_id, ok: false, error }));
  }
}
