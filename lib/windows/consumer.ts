// The windows consumer: a member of the windows group that feeds `transactions` through the operator
// (operator.ts) and persists what comes out. One loop, all operator work serialized:
//   1. per kafkajs batch (one partition): decode each message (what is not a valid transaction is
//      counted and skipped: the sink dead-letters it with the reason), process it;
//   2. after each batch and every `tickMs` (so windows close while a partition is quiet): advance the
//      watermark; send late events to the late topic, final results to the aggregates topic and to SQL
//      (upsert), anomalies to the anomalies topic — each acknowledged or the loop stops; a flush of any
//      size goes in requests under the broker's limit (a busy 30-s window holds a result per customer);
//   3. only then commit every partition's resume point, with the operator's metadata (stream time,
//      emitted frontier, last offset read) in the commit, so a restart after SIGKILL judges and emits
//      exactly as before (operator.ts). Topics get a record again after a replay (at-least-once:
//      readers dedupe by key); the SQL table gets the same row again.
import type { Admin, Consumer, EachBatchPayload, Producer } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { decodeTransaction } from '../schema.ts';
import { type PartitionCounts, sendBySize } from '../send.ts';
import { type Anomaly, AnomalyDetector } from './anomalies.ts';
import { windowsMetrics } from './metrics.ts';
import { type LateEvent, type WindowResult, WindowOperator, decodeMeta } from './operator.ts';
import { readResults, storeResults } from './store.ts';

export type WindowsTopics = { input: string; aggregates: string; anomalies: string; late: string };

export type WindowsOptions = {
  consumer: Consumer;
  admin: Admin;
  producer: Producer;
  partitions: PartitionCounts;
  pool: Pool;
  topics: WindowsTopics;
  group: string;
  operator: WindowOperator;
  detector: AnomalyDetector;
  signal: AbortSignal;
  tickMs?: number;
  log?: (line: string) => void;
  /** after each persisted step: what the operator holds now (the parent reads it over IPC) */
  onProgress?: (p: WindowsProgress) => void;
};

export type WindowsProgress = {
  events: number;
  emitted: number;
  late: number;
  anomalies: number;
  rejected: number;
  /** the operator watermark up to which every window has been emitted, epoch ms (null before any) */
  frontierMs: number | null;
  openPanes: number;
  idlePartitions: number[];
};

/** Runs until `signal` aborts; a persisting step that fails stops it (rejects) without committing past it. */
export async function runWindows(o: WindowsOptions): Promise<void> {
  const log = o.log ?? ((line: string) => console.error(line));
  const op = o.operator;
  let chain: Promise<unknown> = Promise.resolve();
  let failure: Error | undefined;
  // one step at a time; after a failure nothing more runs (a later flush would commit past what failed)
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const next = chain.then(() => {
      if (failure) throw failure;
      return f();
    });
    chain = next.catch((e) => {
      failure ??= e as Error;
    });
    return next;
  };
  const pendingLate: LateEvent[] = [];
  const counts = { anomalies: 0, rejected: 0, late: 0 };

  /** partitions assigned now: resumed from the group's commits, with their metadata */
  const assign = async (partitions: number[]) => {
    const fresh = partitions.filter((p) => !op.watermarks.partitions().includes(p));
    if (fresh.length === 0) return;
    const [committed] = await o.admin.fetchOffsets({ groupId: o.group, topics: [o.topics.input] });
    const now = Date.now();
    for (const p of fresh) {
      const c = committed?.partitions.find((x) => x.partition === p);
      const meta = decodeMeta(c?.metadata);
      op.assign(p, now, meta);
      if (meta) log(`windows: partition ${p} resumes at offset ${c!.offset} (emitted up to ${iso(meta.frontier)})`);
    }
    await seedDetector(fresh.length);
  };
  let seeded = false;
  /** after a restart, the merchant histories the spike rule needs, from the results already stored */
  const seedDetector = async (_: number) => {
    if (seeded || !Number.isFinite(op.frontier)) return;
    seeded = true;
    const past = await readResults(o.pool, op.frontier - 3_600_000, op.frontier, 'merchant_tumbling');
    for (const r of past) if (r.end + op.options.latenessMs <= op.frontier) o.detector.seed(r);
    log(`windows: merchant histories rebuilt from ${past.length} stored results`);
  };

  const flush = async () => {
    const results = op.advance(Date.now());
    const late = pendingLate.splice(0);
    const anomalies: Anomaly[] = results.flatMap((r) => o.detector.check(r));
    await persist(o, results, late, anomalies);
    const commits = op.commits();
    if (commits.length > 0)
      await o.consumer.commitOffsets(
        commits.map((c) => ({
          topic: o.topics.input,
          partition: c.partition,
          offset: String(c.offset),
          metadata: c.metadata,
        })),
      );
    const now = Date.now();
    for (const r of results) {
      windowsMetrics.results.inc({ view: r.view });
      windowsMetrics.closeDelay.observe(Math.max(0, now - r.end) / 1000);
    }
    for (const l of late) windowsMetrics.late.inc({ view: l.view, reason: l.reason });
    for (const a of anomalies) windowsMetrics.anomalies.inc({ reason: a.reason });
    counts.anomalies += anomalies.length;
    counts.late += late.length;
    const idle = op.watermarks.partitions().filter((p) => op.watermarks.isIdle(p, now));
    if (Number.isFinite(op.frontier)) windowsMetrics.watermarkLag.set((now - op.frontier) / 1000);
    windowsMetrics.openPanes.set(op.openPanes);
    windowsMetrics.idlePartitions.set(idle.length);
    o.onProgress?.({
      events: op.counts.events,
      emitted: op.counts.emitted,
      late: counts.late,
      anomalies: counts.anomalies,
      rejected: counts.rejected,
      frontierMs: Number.isFinite(op.frontier) ? op.frontier : null,
      openPanes: op.openPanes,
      idlePartitions: idle,
    });
  };

  const eachBatch = async (p: EachBatchPayload) => {
    const { batch } = p;
    await serial(async () => {
      await assign([batch.partition]);
      const now = Date.now();
      for (const m of batch.messages) {
        if (!p.isRunning() || p.isStale()) break;
        const r = decodeTransaction(m.value);
        if (!r.ok) {
          counts.rejected++;
          windowsMetrics.rejected.inc();
          log(
            `windows: ${batch.topic}[${batch.partition}] @ ${m.offset}: skipped, not a transaction (${r.reason}: ${r.message.slice(0, 120)})`,
          );
          continue;
        }
        const problem = op.problem(r.value, Number(m.timestamp));
        if (problem) {
          counts.rejected++;
          windowsMetrics.rejected.inc();
          log(
            `windows: ${batch.topic}[${batch.partition}] @ ${m.offset}: skipped ${r.value.transaction_id}: ${problem}`,
          );
          continue;
        }
        windowsMetrics.events.inc();
        pendingLate.push(...op.process(batch.partition, Number(m.offset), r.value, now));
      }
      await flush();
    });
    if (failure) throw failure;
    await p.heartbeat();
  };

  const stop = new Promise<void>((resolve) => {
    if (o.signal.aborted) resolve();
    o.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const joined = o.consumer.on(o.consumer.events.GROUP_JOIN, (e) => {
    const mine = [...(e.payload.memberAssignment[o.topics.input] ?? [])].sort((a, b) => a - b);
    void serial(async () => {
      // views keyed across partitions (a category, a merchant) need every partition in one operator:
      // a second member would store partial windows over the first one's (there is no repartition step)
      const all = (await o.admin.fetchTopicMetadata({ topics: [o.topics.input] })).topics[0]?.partitions.length ?? 0;
      if (mine.length < all)
        throw new Error(
          `windows: this member holds partitions ${mine.join(',') || 'none'} of ${all}: another member joined group ${o.group}; ` +
            'its views are keyed across partitions, so one windows process must hold them all (stop the other one)',
        );
      await assign(mine);
    });
  });
  const tick = setInterval(() => {
    if (op.watermarks.partitions().length > 0) void serial(flush);
  }, o.tickMs ?? 200);
  try {
    await o.consumer.subscribe({ topic: o.topics.input, fromBeginning: false });
    await o.consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch });
    await Promise.race([stop, failed(() => failure)]);
  } finally {
    clearInterval(tick);
    joined();
    await chain;
  }
  if (failure) throw failure;
}

/** resolves when `get` returns an error (checked every 100 ms) */
async function failed(get: () => Error | undefined): Promise<void> {
  while (!get()) await new Promise((r) => setTimeout(r, 100));
}

async function persist(o: WindowsOptions, results: WindowResult[], late: LateEvent[], anomalies: Anomaly[]) {
  const json = (key: string, value: unknown) => ({ key, value: JSON.stringify(value) });
  const sends: Promise<unknown>[] = [];
  if (late.length > 0)
    sends.push(
      sendBySize(o.producer, o.partitions, {
        topic: o.topics.late,
        messages: late.map((l) => json(l.transaction_id, l)),
      }),
    );
  if (results.length > 0) {
    sends.push(
      sendBySize(o.producer, o.partitions, {
        topic: o.topics.aggregates,
        messages: results.map((r) => json(`${r.view}|${r.start}|${r.key}`, r)),
      }),
    );
    sends.push(storeResults(o.pool, results));
  }
  if (anomalies.length > 0)
    sends.push(
      sendBySize(o.producer, o.partitions, {
        topic: o.topics.anomalies,
        messages: anomalies.map((a) => json(`${a.reason}|${a.view}|${a.start}|${a.key}`, a)),
      }),
    );
  await Promise.all(sends);
}

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : 'nothing yet');
