// A transactional kafkajs producer as lab 07's exactly-once pipeline uses it, with the three facts
// that shape it (measured on Kafka 4.1.1 with kafkajs 2.2.4):
//
// - Fencing happens at the first transaction(), not at connect(): that is where kafkajs sends
//   InitProducerId with the transactional id, which bumps its epoch (the old instance's next send or
//   commit fails with INVALID_PRODUCER_EPOCH) and aborts the old instance's open transaction. So
//   `initTransactions` opens and aborts an empty transaction at start-up, before the consumer reads a
//   single offset; without it a zombie could still commit, and the new instance could read offsets that
//   the zombie's pending transaction is about to move.
// - The transaction timeout bounds how long a crashed producer's open transaction blocks read_committed
//   readers of the partitions it wrote (the broker aborts it after the timeout, checked every 10 s by
//   default: a stall of up to timeout + 10 s). kafkajs's default is 60 s; txlab uses 10 s: a transaction
//   here lasts milliseconds, and one that takes longer than this is aborted by the broker and the
//   producer fenced, which the pipeline survives by restarting. A restarted instance ends the stall at
//   once (its InitProducerId aborts the old transaction).
// - The transaction rate is bounded by the retry backoff: the broker answers CONCURRENT_TRANSACTIONS to
//   AddPartitionsToTxn while the previous transaction is still completing, and kafkajs waits
//   retry.initialRetryTime before asking again (300 ms by default: 8–11 transactions/s here). txlab's
//   20 ms lets one producer commit 50–120 transactions/s here (lab 07 and `bun run bench guarantees`).
//
// What "exactly once" means here, precisely: each input record's output becomes visible to read_committed
// readers once, with one instance of a pipeline at a time. kafkajs speaks TxnOffsetCommit v0–1, without the
// group generation and member id of KIP-447, so the broker cannot fence a zombie by its group membership:
// it is fenced by the transactional id alone. A pipeline scaled to several instances would need one
// transactional id per input partition (the pre-KIP-447 pattern). And Kafka's transaction protocol itself
// has known gaps (Jepsen's 2024 analysis reproduced lost writes, aborted reads and torn transactions on
// Kafka; KIP-890 closes them only for clients that speak its new protocol, which kafkajs 2.2.4 does not):
// the lab's audit is what shows the guarantee held in each run, not this comment.
import type { Kafka, Producer } from 'kafkajs';
import { createProducer } from '../kafka.ts';

export const TRANSACTION_TIMEOUT_MS = 10_000;
export const TRANSACTION_RETRY_MS = 20;

export function createTransactionalProducer(
  kafka: Kafka,
  transactionalId: string,
  o: { timeoutMs?: number; initialRetryTime?: number } = {},
): Producer {
  return createProducer(kafka, {
    transactionalId,
    maxInFlightRequests: 1,
    transactionTimeout: o.timeoutMs ?? TRANSACTION_TIMEOUT_MS,
    retry: { initialRetryTime: o.initialRetryTime ?? TRANSACTION_RETRY_MS, retries: 10 },
  });
}

/** Claims the transactional id: fences every older instance and aborts its open transaction. */
export async function initTransactions(producer: Producer): Promise<void> {
  const txn = await producer.transaction();
  await txn.abort();
}
