// The three delivery guarantees of one processing step, side by side. Each gets one batch of one input
// partition, already transformed (settle.ts), and must do two things: write the batch's outputs, and
// store how far the input has been read (the position after the batch). Only the order of the two, and
// what makes them one, differs. Diff these functions: that is the whole difference.
//
// `crash(phase)` is where a fault injector (lab 07, the tests) can make the process SIGKILL itself, at
// the moment that hurts each guarantee most (modes.ts, WORST_CRASH); otherwise it does nothing.
import type { Transaction as KafkaTransaction, Producer } from 'kafkajs';
import type { PoolConnection } from 'mysql2/promise';
import type { CrashPhase } from './modes.ts';
import type { Settlement } from './settle.ts';

export type Batch = {
  topic: string;
  partition: number;
  outputs: Settlement[];
  /** the input position after this batch: the offset to read next */
  next: number;
};

export type Crash = (phase: CrashPhase) => Promise<void>;

/** The two effects, each durable on its own: written means acknowledged (acks=all) or committed (SQL). */
export type Effects = {
  write(b: Batch): Promise<void>;
  /** the consumer group's committed offset for the batch's partition becomes `b.next` */
  commit(b: Batch): Promise<void>;
  crash: Crash;
  /** at most once: a write that failed after its position was stored is given up, never retried */
  gaveUp(b: Batch, error: Error): void;
};

/**
 * What the exactly-once Kafka protocol gets: a transactional producer (already initialised) and the way
 * to send a batch's outputs with it or with one of its transactions. `commit` stores the position apart,
 * outside any transaction, as at least once does: the reference has no use for it (an exercise starts
 * from it).
 */
export type ExactlyOnceKafkaEffects = {
  producer: Producer;
  group: string;
  send(to: Producer | KafkaTransaction, b: Batch): Promise<void>;
  commit(b: Batch): Promise<void>;
  crash: Crash;
};

/**
 * What the exactly-once SQL protocol gets: a connection of the pool (release it), the batch's rows and
 * its position as two statements on a connection, and `commit`, the group's offset outside the database
 * (the reference has no use for it).
 */
export type ExactlyOnceSqlEffects = {
  connection(): Promise<PoolConnection>;
  insert(conn: PoolConnection, b: Batch): Promise<void>;
  storePosition(conn: PoolConnection, b: Batch): Promise<void>;
  commit(b: Batch): Promise<void>;
  crash: Crash;
};

/** At most once: store the position, then write. A crash between the two loses the batch; nothing is written twice. */
export async function atMostOnce(b: Batch, fx: Effects): Promise<void> {
  await fx.commit(b);
  await fx.crash('after-commit');
  await fx.write(b).catch((e) => fx.gaveUp(b, e as Error));
}

/** At least once: write, then store the position. A crash between the two writes the batch again; nothing is lost. */
export async function atLeastOnce(b: Batch, fx: Effects): Promise<void> {
  await fx.write(b);
  await fx.crash('after-write');
  await fx.commit(b);
}

/**
 * Exactly once, Kafka → Kafka: the outputs and the input position in one Kafka transaction. Readers
 * with isolation read_committed see the outputs only once the transaction commits; the group's offset
 * moves with it (sendOffsets). A crash, an abort or a newer instance with the same transactional id
 * (which fences this one) leaves neither.
 */
export async function exactlyOnceKafka(b: Batch, fx: ExactlyOnceKafkaEffects): Promise<void> {
  const txn = await fx.producer.transaction();
  try {
    await fx.send(txn, b);
    await txn.sendOffsets({
      consumerGroupId: fx.group,
      topics: [{ topic: b.topic, partitions: [{ partition: b.partition, offset: String(b.next) }] }],
    });
    await fx.crash('in-transaction');
    await txn.commit();
  } catch (e) {
    await txn.abort().catch(() => {}); // fenced or broken: the broker aborts it anyway
    throw e;
  }
}

/**
 * Exactly once, Kafka → SQL: the rows and the input position in one database transaction. The group's
 * offset is not used at all: a restarted process reads its positions from the database (positions.ts)
 * and skips what is already there.
 */
export async function exactlyOnceSql(b: Batch, fx: ExactlyOnceSqlEffects): Promise<void> {
  const conn = await fx.connection();
  try {
    await conn.beginTransaction();
    await fx.insert(conn, b);
    await fx.storePosition(conn, b);
    await fx.crash('in-transaction');
    await conn.commit();
  } catch (e) {
    await conn.rollback().catch(() => {});
    throw e;
  } finally {
    conn.release();
  }
}
