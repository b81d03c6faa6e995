// The sink: a consumer-group member that stores every transaction of its partitions in SQL.
//
// Per kafkajs batch (one partition), in chunks of `batchRows` messages:
//   1. decode and validate each message; rejects go to the dead-letter topic (acked before moving on);
//   2. write the valid rows and their aggregates in one database transaction (idempotent upsert);
//      rows whose transaction id is stored with another customer or payload are not stored: they go to
//      the dead-letter topic as conflicts (acked before moving on; a replay finds the same conflicts);
//   3. only then commit the offset after the chunk.
// A crash anywhere replays at most the chunks whose offsets were not committed, which the idempotent
// write absorbs: nothing lost, nothing doubled. A failed write or DLQ send is retried with backoff, as
// long as it takes, on the same chunk (a database or broker outage pauses the partition; nothing is
// skipped); an error no retry can fix (bad SQL, a request the broker refuses for good) stops the sink
// without committing past it, and says so. DLQ records and requests are size-bounded (dlq.ts), so
// no input can make the broker refuse them. What it does is counted twice over: in `stats` (its
// parent reads them over IPC) and in the process's metrics (metrics.ts, scraped by Prometheus).
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import type { Dialect } from '../db/dialect.ts';
import { sleep } from '../wait.ts';
import { chunks, classify, type InMessage, type Reject } from './decode.ts';
import { type DeadLetters, conflictReject, dlqRequests, sendDlqRequest } from './dlq.ts';
import { type BatchRef, FatalSinkError, backoffMs, describeError, isRetriable, retryLine } from './retry.ts';
import type { SinkCounters } from './counters.ts';
import { observeDeadLetter, observeWrite, sinkMetrics } from './metrics.ts';
import { type WritePath, writeRows } from './writer.ts';

/** Defaults for a sink's tuning knobs (lab 03 and the benchmark take them as flags). */
export const SINK_TUNING = {
  /** messages per database transaction: larger amortises the round trips, smaller lowers latency */
  batchRows: 1000,
  /** partitions written at once, each on its own connection */
  concurrency: 3,
  /**
   * how rows reach the database (lib/sink/writer.ts): multi-row INSERT, or LOAD DATA from memory. Measured
   * (bun run bench sink, 200,000 rows, 2 cores): the writer alone 0.85–1.45× as fast on load-data, the
   * sink end to end no faster (its process and the server share the two cores), so the SQL a reader
   * can follow stays the default
   */
  writePath: 'insert',
} as const satisfies { batchRows: number; concurrency: number; writePath: WritePath };

export type SinkOptions = {
  consumer: Consumer;
  pool: Pool;
  /** the database's dialect and the write path (SINK_TUNING.writePath) */
  write: { path: WritePath; dialect: Dialect };
  /** the dead-letter topic and a producer for it */
  dlq: DeadLetters;
  topic: string;
  group: string;
  /** messages per database transaction */
  batchRows: number;
  /** partitions processed at once (kafkajs partitionsConsumedConcurrently); each uses one connection */
  concurrency: number;
  stats: SinkCounters;
  /** stops the sink: the current chunk finishes or is abandoned uncommitted, then runSink returns */
  signal: AbortSignal;
  log?: (line: string) => void;
};

class Stopped extends Error {}

/** Runs until `signal` aborts (resolves) or an unfixable error (rejects with FatalSinkError). */
export async function runSink(o: SinkOptions): Promise<void> {
  const log = o.log ?? ((line: string) => console.error(line));
  // stops every partition's loop: on the caller's signal, or on a fatal error in any partition
  const halt = new AbortController();
  let fatal: FatalSinkError | undefined;
  const onAbort = () => halt.abort();
  o.signal.addEventListener('abort', onAbort, { once: true });
  const halted = new Promise<void>((resolve) => halt.signal.addEventListener('abort', () => resolve(), { once: true }));
  if (o.signal.aborted) halt.abort();
  const commits = new Commits(o.stats, log);

  try {
    await o.consumer.subscribe({ topic: o.topic, fromBeginning: true });
    await o.consumer.run({
      autoCommit: false,
      // an offset is resolved only after its chunk is stored: kafkajs must not resolve the whole batch itself
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: o.concurrency,
      eachBatch: async (payload) => {
        try {
          await storeBatch(o, payload, halt.signal, commits, log);
        } catch (e) {
          if (e instanceof Stopped) return;
          if (e instanceof FatalSinkError) {
            fatal ??= e;
            log(`sink: stopping: ${e.message}`);
            halt.abort();
            return;
          }
          throw e; // a Kafka error (rebalance, coordinator moved): kafkajs rejoins and the chunk is redone
        }
      },
    });
    await halted;
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    await commits.settled();
  }
  if (fatal) throw fatal;
}

async function storeBatch(
  o: SinkOptions,
  p: EachBatchPayload,
  halt: AbortSignal,
  commits: Commits,
  log: (line: string) => void,
): Promise<void> {
  const { batch } = p;
  const running = () => p.isRunning() && !p.isStale() && !halt.aborted;
  try {
    for (const chunk of chunks(batch.messages as InMessage[], o.batchRows)) {
      if (!running()) return;
      await storeChunk(o, p, chunk, halt, log);
      // stored: now, and only now, the chunk's offset may be committed. The commit is not awaited here:
      // the next chunk need not wait for the broker (a lost commit only means a replay the upsert absorbs).
      const last = chunk[chunk.length - 1]!.offset;
      p.resolveOffset(last);
      commits.commit(batch.topic, batch.partition, (BigInt(last) + 1n).toString(), p);
      await p.heartbeat();
    }
  } finally {
    // stopping: kafkajs leaves the group once this returns, so the commits must be in first
    if (!running()) await commits.settled();
  }
}

async function storeChunk(
  o: SinkOptions,
  p: EachBatchPayload,
  chunk: InMessage[],
  halt: AbortSignal,
  log: (line: string) => void,
): Promise<void> {
  const { batch } = p;
  const t0 = performance.now();
  const { rows, rejects } = classify(chunk, batch.partition);
  o.stats.timeMs.decode += performance.now() - t0;
  o.stats.messages += chunk.length;
  sinkMetrics.messages.inc(chunk.length);
  const ref = (what: string, n: number): BatchRef => ({
    what,
    rows: n,
    topic: batch.topic,
    partition: batch.partition,
    firstOffset: chunk[0]!.offset,
  });

  const deadLetter = async (rs: Reject[]) => {
    const t1 = performance.now();
    const source = { topic: batch.topic, partition: batch.partition, group: o.group };
    // each request on its own: one the broker has taken is not sent again when a later one is retried
    for (const request of dlqRequests(rs, source, Date.now()))
      await retrying(ref('dead-letter send', request.length), o.stats, p, halt, log, () =>
        sendDlqRequest(o.dlq, request),
      );
    for (const r of rs) {
      o.stats.dlq[r.reason]++;
      observeDeadLetter(r.reason);
    }
    o.stats.timeMs.dlq += performance.now() - t1;
  };

  if (rejects.length > 0) await deadLetter(rejects);
  if (rows.length > 0) {
    const w = await retrying(ref('batch', rows.length), o.stats, p, halt, log, () => writeRows(o.pool, rows, o.write));
    o.stats.recordWrite(w);
    observeWrite(w);
    if (w.conflicts.length > 0) {
      const byOffset = new Map(chunk.map((m) => [m.offset, m]));
      await deadLetter(w.conflicts.map((c) => conflictReject(c, byOffset.get(c.row.origin!.offset)!)));
    }
  }
}

/** Runs `f` until it succeeds, waiting longer after each retriable failure; gives up only when stopped. */
async function retrying<T>(
  b: BatchRef,
  stats: SinkCounters,
  p: EachBatchPayload,
  halt: AbortSignal,
  log: (line: string) => void,
  f: () => Promise<T>,
): Promise<T> {
  const startedAt = performance.now();
  for (let retry = 1; ; retry++) {
    try {
      const result = await f();
      if (retry > 1)
        log(
          `sink: ${b.what} of ${b.rows} from ${b.topic}[${b.partition}] @ offset ${b.firstOffset} succeeded after ${retry - 1} retries (${((performance.now() - startedAt) / 1000).toFixed(1)} s)`,
        );
      return result;
    } catch (e) {
      if (!isRetriable(e))
        throw new FatalSinkError(
          `${b.what} of ${b.rows} from ${b.topic}[${b.partition}] @ offset ${b.firstOffset}: ${describeError(e)} (not retriable; offsets not committed past it)`,
        );
      const wait = backoffMs(retry);
      log(retryLine(b, e, retry, wait));
      stats.retries++;
      sinkMetrics.retries.inc();
      await sleep(wait, halt);
      if (!p.isRunning() || p.isStale() || halt.aborted) throw new Stopped();
      // stay in the group while the database is away; a rebalance error goes to kafkajs, which rejoins
      await p.heartbeat();
    }
  }
}

/**
 * Offset commits off the write path, per partition: at most one in flight; offsets that come in
 * meanwhile collapse into the newest, sent when it returns (committing offset n covers all before it).
 * `settled()` waits until nothing is in flight or pending (before the consumer leaves the group).
 */
class Commits {
  private readonly partitions = new Map<
    string,
    { pending: string | null; inFlight: Promise<void> | null; p: EachBatchPayload }
  >();
  constructor(
    private readonly stats: SinkCounters,
    private readonly log: (line: string) => void,
  ) {}

  commit(topic: string, partition: number, offset: string, p: EachBatchPayload) {
    const key = `${topic}[${partition}]`;
    const s = this.partitions.get(key) ?? { pending: null, inFlight: null, p };
    this.partitions.set(key, s);
    s.pending = offset;
    s.p = p;
    s.inFlight ??= this.send(topic, partition, s).finally(() => (s.inFlight = null));
  }

  private async send(topic: string, partition: number, s: { pending: string | null; p: EachBatchPayload }) {
    while (s.pending !== null) {
      const offset = s.pending;
      s.pending = null;
      const t = performance.now();
      try {
        await s.p.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
        this.stats.offsetsCommitted++;
        sinkMetrics.offsetsCommitted.inc();
      } catch (e) {
        this.log(
          `sink: offset commit ${topic}[${partition}] @ ${offset} failed: ${describeError(e)} (its chunks will be replayed and skipped as duplicates)`,
        );
      } finally {
        this.stats.timeMs.commit += performance.now() - t;
      }
    }
  }

  async settled(): Promise<void> {
    for (;;) {
      const busy = [...this.partitions.values()].map((s) => s.inFlight).filter((x) => x !== null);
      if (busy.length === 0) return;
      await Promise.all(busy);
    }
  }
}
