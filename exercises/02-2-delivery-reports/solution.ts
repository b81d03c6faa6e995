// Reference solution of exercise 02-2 (read it after trying: `bun run exercise solution 02-2-delivery-reports`).
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
  const outcomes = await Promise.all(
    [...groups].map(async ([partition, group]): Promise<Report[]> => {
      try {
        // one partition, one batch: it is appended whole, at consecutive offsets, or not at all
        const [meta] = await producer.send({
          topic,
          acks: -1,
          messages: group.map((e) => ({ ...toMessage(e), partition })),
        });
        const base = Number(meta!.baseOffset);
        return group.map((e, i) => ({ transaction_id: e.transaction_id, ok: true, partition, offset: base + i }));
      } catch (err) {
        const error = (err as Error).message;
        return group.map((e) => ({ transaction_id: e.transaction_id, ok: false, error }));
      }
    }),
  );
  return outcomes.flat();
}
