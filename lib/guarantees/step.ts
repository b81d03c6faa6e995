// One pipeline of lab 07 as a consumer-group member: read the input in batches of at most `batchSize`
// records of one partition, settle them (settle.ts), and hand each batch to its guarantee's protocol
// (protocols.ts) with the effects of its sink. Dependencies are passed in; main.ts builds them.
//
// The protocol's order decides what a crash costs; this loop only keeps the bookkeeping honest:
//   1. offsets are committed only by the protocol (autoCommit off), never behind its back;
//   2. a failed batch is not skipped: the error stops the run, and the restarted process reads from the
//      stored position (kafkajs would otherwise retry the same batch in place, hiding the restart);
//   3. nothing below a floor is processed: the run's start, what this process stored, and for exactly
//      once into SQL the database's position, read again at each assignment and moved by compare-and-set;
//      a batch wholly below it makes the consumer seek to it, decided inside the batch loop;
//   4. while no batch is in hand, the positions as stored are reported too, so a run can see it is done
//      even when a killed process stored its last position without reporting it;
//   5. each effect says when it made something durable (durable.ts), so a crash can land right there
//      (phase `first-durable`) in any protocol, an exercise's included.
import type { Consumer, Offsets, Producer, Transaction as KafkaTransaction } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { type PartitionCounts, deliverEach } from '../send.ts';
import type { CrashPhase, GuaranteeNames, Pipeline } from './modes.ts';
import * as standard from './protocols.ts';
import type { Batch, Effects } from './protocols.ts';
import { isTransaction, watchConnection, watchTransactions, wrote } from './durable.ts';
import { type Settlement, settle, settlementMessage, sourceKey } from './settle.ts';
import { type Scope, insertOutputs, movePosition, readPositions } from './store.ts';

export type StepProgress = {
  batches: number;
  records: number;
  /** partition → the offset to read next, as this process last stored it */
  positions: Record<string, number>;
  /** this batch: records, and ms from its first record being handed in to its position stored */
  last: { records: number; ms: number; partition: number };
  /** outputs given up after a failed write (at most once only) */
  gaveUp: number;
};

/** The batch a crash interrupted: what the lab predicts the audit will find lost or duplicated. */
export type CrashReport = { phase: CrashPhase; batch: number; partition: number; sources: string[] };

export type StepDeps = {
  pipeline: Pipeline;
  names: GuaranteeNames;
  scope: Scope;
  consumer: Consumer;
  /** for the Kafka sink: an idempotent producer, or for exactly once a transactional one (already initialised) */
  producer?: Producer;
  partitions: PartitionCounts;
  /** for the SQL sink */
  pool?: Pool;
  /** where the run starts in each partition: read from here where the group has no offset (nor the database a position) */
  from: ReadonlyMap<number, number>;
  /**
   * The positions as stored (the group's committed offsets, or the database's), reported while no batch
   * is in hand: a process killed between storing a position and reporting it leaves a position that only
   * the store knows, and its successor, with nothing left to read, would never report it.
   */
  stored(): Promise<Map<number, number>>;
  onStored(positions: Record<string, number>): void;
  batchSize: number;
  /** the protocols to use instead of protocols.ts's (an exercise's), by the same names */
  protocols?: Partial<Protocols>;
  crashAt?: { phase: CrashPhase; batch: number };
  onCrash(r: CrashReport): Promise<void>;
  onProgress(p: StepProgress): void;
  log(line: string): void;
  signal: AbortSignal;
};

export type Protocols = Pick<typeof standard, 'atMostOnce' | 'atLeastOnce' | 'exactlyOnceKafka' | 'exactlyOnceSql'>;

/** Runs until the signal aborts or a batch fails (then it throws, and the process should exit). */
export async function runStep(d: StepDeps): Promise<void> {
  const { pipeline, names, scope, consumer } = d;
  const pid = process.pid;
  // partition → the offset to read next, as stored (exactly once into SQL: read from the database)
  const positions = new Map<number, number>();
  const reported: Record<string, number> = {};
  let batches = 0;
  let records = 0;
  let gaveUp = 0;
  let current: Batch | undefined;
  const eosSql = pipeline.mode === 'exactly-once' && pipeline.sink === 'sql';

  const crash = async (phase: CrashPhase) => {
    if (!d.crashAt || d.crashAt.phase !== phase || d.crashAt.batch !== batches + 1 || !current) return;
    await d.onCrash({
      phase,
      batch: batches + 1,
      partition: current.partition,
      sources: current.outputs.map((o) => sourceKey(o.source)),
    });
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => {}); // the signal arrives before anything else runs
  };
  /** one of the batch's effects is durable now (the others may not be) */
  const durable = () => crash('first-durable');
  const sendTo = async (to: Producer | KafkaTransaction, b: Batch) => {
    const outcomes = await deliverEach(to as Producer, d.partitions, names.output, b.outputs, (s) =>
      settlementMessage(s, pid),
    );
    const failed = outcomes.find((o) => o.error);
    if (failed?.error) throw failed.error;
    if (!isTransaction(to)) await durable(); // acknowledged outside a transaction: durable now
  };
  /** the current batch's commit: sends the given offsets to the coordinator, and throws if it refuses them */
  let commitBatch: ((offsets: Offsets) => Promise<void>) | undefined;
  const effects: Effects = {
    write: async (b) => {
      if (pipeline.sink === 'kafka') return sendTo(d.producer!, b);
      await insertOutputs(d.pool!, scope, b.outputs, pid); // autocommit
      await durable();
    },
    commit: async (b) => {
      // through the batch's own commit, not consumer.commitOffsets: kafkajs's runner returns from that
      // one without committing, and swallows its error, whenever the consumer is not running (a broker
      // restart stops it for a moment): at most once then wrote a batch whose offset was never stored,
      // and its restart wrote it again (250 duplicates, seen in lab 07's broker-restart round)
      if (!commitBatch) throw new Error('commit outside a batch');
      await commitBatch({
        topics: [{ topic: b.topic, partitions: [{ partition: b.partition, offset: String(b.next) }] }],
      });
      await durable();
    },
    crash,
    gaveUp(b, e) {
      gaveUp += b.outputs.length;
      d.log(
        `${scope.pipeline}: gave up ${b.outputs.length} outputs of ${b.topic}[${b.partition}] ` +
          `below offset ${b.next} after their position was stored: ${e.message} (at most once: not retried)`,
      );
    },
  };
  const { atMostOnce, atLeastOnce, exactlyOnceKafka, exactlyOnceSql } = { ...standard, ...d.protocols };
  const txProducer = d.producer && watchTransactions(d.producer, durable);
  const { commit } = effects;
  const handle = (b: Batch): Promise<void> => {
    if (pipeline.mode === 'at-most-once') return atMostOnce(b, effects);
    if (pipeline.mode === 'at-least-once') return atLeastOnce(b, effects);
    if (pipeline.sink === 'kafka')
      return exactlyOnceKafka(b, { producer: txProducer!, group: names.group, send: sendTo, commit, crash });
    const from = positions.get(b.partition) ?? null;
    return exactlyOnceSql(b, {
      connection: async () => watchConnection(await d.pool!.getConnection(), durable),
      insert: async (conn, x) => {
        await insertOutputs(conn, scope, x.outputs, pid);
        await wrote(conn, durable);
      },
      storePosition: async (conn, x) => {
        await movePosition(conn, scope, { topic: x.topic, partition: x.partition, from, to: x.next });
        await wrote(conn, durable);
      },
      commit,
      crash,
    });
  };

  if (eosSql) consumer.on(consumer.events.GROUP_JOIN, () => positions.clear()); // read again: another process may have moved them
  // a crash kafkajs does not restart from stops the run as a failed batch does: the process exits
  let failure: Error | undefined;
  consumer.on(consumer.events.CRASH, (e) => {
    if (e.payload.restart) return;
    failure = e.payload.error;
    d.log(`${scope.pipeline}: the consumer stopped: ${failure.message}`);
  });
  let inHand = false;
  const storedTimer = setInterval(() => {
    if (inHand) return;
    d.stored()
      .then((stored) => {
        if (!inHand) d.onStored(Object.fromEntries([...stored].map(([p, at]) => [String(p), at])));
      })
      .catch(() => {}); // the next tick tries again
  }, 1_000);

  await consumer.subscribe({ topic: names.input, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 1,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
      commitBatch = commitOffsetsIfNecessary;
      const partition = batch.partition;
      if (eosSql && !positions.has(partition)) {
        const stored = await readPositions(d.pool!, scope, names.input);
        if (stored.has(partition)) positions.set(partition, stored.get(partition)!);
      }
      // Nothing below the floor is processed: the run's start, and what this process (or, exactly once into
      // SQL, the database) already holds as done. A batch wholly below it is a fetch from before the run
      // (a new group starts at the topic's start) or from before a seek: jump to the floor instead. The
      // jump is decided here, before anything of the partition is processed, so it can never go back past
      // work already done (a seek from an assignment callback can land after the first batch, and did).
      const floor = Math.max(d.from.get(partition) ?? 0, positions.get(partition) ?? 0);
      let messages = batch.messages;
      const below = messages.filter((m) => Number(m.offset) < floor).length;
      if (below > 0 && below === messages.length) {
        consumer.seek({ topic: batch.topic, partition, offset: String(floor) });
        return;
      }
      messages = messages.slice(below);
      for (let i = 0; i < messages.length; i += d.batchSize) {
        if (d.signal.aborted || !isRunning() || isStale()) return;
        const chunk = messages.slice(i, i + d.batchSize);
        const t0 = performance.now();
        const outputs: Settlement[] = chunk.map((m) => settle(m.value, { partition, offset: Number(m.offset) }));
        const last = chunk[chunk.length - 1]!;
        current = { topic: batch.topic, partition, outputs, next: Number(last.offset) + 1 };
        inHand = true;
        try {
          await handle(current);
        } catch (e) {
          failure = e as Error;
          d.log(
            `${scope.pipeline}: batch of ${chunk.length} from ${batch.topic}[${partition}] @ offset ${chunk[0]!.offset} failed: ${failure.message}`,
          );
          throw e;
        } finally {
          inHand = false;
        }
        positions.set(partition, current.next);
        resolveOffset(last.offset);
        batches++;
        records += chunk.length;
        reported[partition] = current.next;
        d.onProgress({
          batches,
          records,
          positions: { ...reported },
          last: { records: chunk.length, ms: performance.now() - t0, partition },
          gaveUp,
        });
        await heartbeat();
      }
    },
  });
  // a failed batch stops the run: the caller exits, and a fresh process resumes from the stored position
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (failure) {
        clearInterval(check);
        clearInterval(storedTimer);
        reject(failure);
      } else if (d.signal.aborted) {
        clearInterval(check);
        clearInterval(storedTimer);
        resolve();
      }
    }, 50);
  });
}
