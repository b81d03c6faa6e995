// Reference solution of exercise 07-1 (read it after trying: `bun run exercise solution 07-1-exactly-once-kafka`).
import type { Batch, ExactlyOnceKafkaEffects } from '../../lib/guarantees/protocols.ts';

export async function exactlyOnceKafka(b: Batch, fx: ExactlyOnceKafkaEffects): Promise<void> {
  const txn = await fx.producer.transaction();
  try {
    // 1. the outputs, in the transaction: read_committed readers see them only once it commits
    await fx.send(txn, b);
    // 2. the input position, in the same transaction: the group's offset moves when it commits, not before
    await txn.sendOffsets({
      consumerGroupId: fx.group,
      topics: [{ topic: b.topic, partitions: [{ partition: b.partition, offset: String(b.next) }] }],
    });
    // 3. both at once, or (a crash before this returns) neither
    await txn.commit();
  } catch (e) {
    // fenced by a newer instance, or a send that failed: the broker aborts it anyway if this cannot
    await txn.abort().catch(() => {});
    throw e;
  }
}
