// A plausible wrong answer to exercise 07-1 (the tests check that its check fails on it): the reference
// solution with the offset committed apart, after the transaction (consumer.commitOffsets instead of
// sendOffsets): a crash between the transaction's commit and the offset commit writes the batch again.
import type { Batch, ExactlyOnceKafkaEffects } from '../../lib/guarantees/protocols.ts';

export async function exactlyOnceKafka(b: Batch, fx: ExactlyOnceKafkaEffects): Promise<void> {
  const txn = await fx.producer.transaction();
  try {
    // 1. the outputs, in the transaction: read_committed readers see them only once it commits
    await fx.send(txn, b);
    await txn.commit();
  } catch (e) {
    await txn.abort().catch(() => {});
    throw e;
  }
  // 2. (wrong) the input position, committed on its own once the outputs are
  await fx.commit(b);
}
