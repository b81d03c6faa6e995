// What every engine of `bun run bench windows` must produce, and the plumbing the peers share: the row
// shape on the output topics, the expected rows folded directly from the events (the judge), an exact
// comparison, reading an output topic back with the broker's append times, and waiting until a
// consumer group has committed everything. See bench/windows/peers.ts for the contract in words.
import type { Admin, Kafka } from 'kafkajs';
import type { Transaction } from '../../lib/schema.ts';
import { sleep } from '../../lib/wait.ts';

/** One closed window of one merchant category, as every engine writes it (JSON, these fields). */
export type WindowRow = {
  view: 'category_tumbling';
  key: string;
  start: number;
  end: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  approvedCount: number;
  approvedSum: number;
  declinedCount: number;
  declinedSum: number;
};

export const ROW_FIELDS = [
  'view',
  'key',
  'start',
  'end',
  'count',
  'sum',
  'min',
  'max',
  'approvedCount',
  'approvedSum',
  'declinedCount',
  'declinedSum',
] as const;

export type Counted = Pick<Transaction, 'timestamp' | 'merchant_category' | 'amount' | 'status'>;

const alignDown = (t: number, step: number) => t - (((t % step) + step) % step);

/** The judge: a plain fold of the events into (window, category) rows, sorted by start then key. */
export function expectedRows(events: Iterable<Counted>, windowMs: number): WindowRow[] {
  const rows = new Map<string, WindowRow>();
  for (const e of events) {
    const start = alignDown(Date.parse(e.timestamp), windowMs);
    const id = `${start}|${e.merchant_category}`;
    let r = rows.get(id);
    if (!r) {
      r = {
        view: 'category_tumbling',
        key: e.merchant_category,
        start,
        end: start + windowMs,
        count: 0,
        sum: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
        approvedCount: 0,
        approvedSum: 0,
        declinedCount: 0,
        declinedSum: 0,
      };
      rows.set(id, r);
    }
    r.count++;
    r.sum += e.amount;
    r.min = Math.min(r.min, e.amount);
    r.max = Math.max(r.max, e.amount);
    if (e.status === 'approved') {
      r.approvedCount++;
      r.approvedSum += e.amount;
    } else {
      r.declinedCount++;
      r.declinedSum += e.amount;
    }
  }
  return sortRows([...rows.values()]);
}

export const sortRows = (rows: WindowRow[]) =>
  rows.sort((a, b) => a.start - b.start || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

export type Comparison = {
  equal: boolean;
  expected: number;
  got: number;
  /** rows of `got` that differ from the expected row of the same (start, key), or have none */
  mismatches: { expected?: WindowRow; got?: WindowRow; fields: string[] }[];
  /** (start, key) written more than once: a window must be emitted once, final */
  duplicates: number;
};

/** Exact comparison, field by field, of the rows with `end <= before` (the windows before the flush). */
export function compareRows(expected: WindowRow[], got: WindowRow[], before = Number.POSITIVE_INFINITY): Comparison {
  const exp = new Map(expected.filter((r) => r.end <= before).map((r) => [`${r.start}|${r.key}`, r]));
  const seen = new Map<string, WindowRow>();
  let duplicates = 0;
  const mismatches: Comparison['mismatches'] = [];
  for (const r of got.filter((r) => r.end <= before)) {
    const id = `${r.start}|${r.key}`;
    if (seen.has(id)) duplicates++;
    seen.set(id, r);
  }
  for (const [id, g] of seen) {
    const e = exp.get(id);
    const fields = e ? ROW_FIELDS.filter((f) => e[f] !== g[f]) : ['missing from expected'];
    if (fields.length) mismatches.push({ expected: e, got: g, fields });
  }
  for (const [id, e] of exp) if (!seen.has(id)) mismatches.push({ expected: e, fields: ['missing from output'] });
  mismatches.sort((a, b) => (a.expected ?? a.got)!.start - (b.expected ?? b.got)!.start);
  return {
    equal: mismatches.length === 0 && duplicates === 0,
    expected: exp.size,
    got: seen.size,
    mismatches,
    duplicates,
  };
}

/** A row from an output topic's value, checked for the contract's shape (numbers must be integers). */
export function parseRow(value: string): WindowRow {
  const o = JSON.parse(value) as Record<string, unknown>;
  for (const f of ROW_FIELDS) {
    const v = o[f];
    const ok = f === 'view' || f === 'key' ? typeof v === 'string' : Number.isSafeInteger(v);
    if (!ok) throw new Error(`windows: output row has a bad ${f}: ${value.slice(0, 300)}`);
  }
  if (o.view !== 'category_tumbling') throw new Error(`windows: output row of another view: ${value.slice(0, 300)}`);
  return o as WindowRow;
}

export type OutputRecord = {
  row: WindowRow /** broker append time (the output topics use LogAppendTime) */;
  at: number;
};

/** The output topic's config: the broker stamps each record with its append time, so timings need no poll. */
export const OUTPUT_TOPIC_CONFIG = [{ name: 'message.timestamp.type', value: 'LogAppendTime' }];

/** Reads a topic from the beginning to its current end offsets; records are returned with their timestamps. */
export async function readTopic(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<OutputRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const want = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
  const out: OutputRecord[] = [];
  if (want.size === 0) return out;
  const groupId = `${topic}.reader-${crypto.randomUUID().slice(0, 8)}`;
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`windows: reading ${topic} took over ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              if (m.value) out.push({ row: parseRow(m.value.toString()), at: Number(m.timestamp) });
              const left = want.get(batch.partition);
              if (left !== undefined && Number(m.offset) + 1 >= left) want.delete(batch.partition);
            }
            if (want.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    await done;
  } finally {
    await consumer.disconnect();
    const a = kafka.admin();
    await a.connect();
    await a.deleteGroups([groupId]).catch(() => {});
    await a.disconnect();
  }
  return out;
}

/**
 * Waits until `groupId` has committed, on every partition of every topic it consumes, the partition's
 * end offset: all its input processed (Kafka Streams flushes its stores and its producer before it
 * commits, so the rows those records closed are on the output topic by then). `topics` must list them
 * all (for Kafka Streams: the input and its repartition topic). Polls every `intervalMs`.
 */
export async function waitGroupDone(
  admin: Admin,
  groupId: string,
  topics: () => Promise<string[]>,
  opts: { timeoutMs: number; intervalMs?: number; failed?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let left = 'nothing committed yet';
  for (;;) {
    const why = opts.failed?.();
    if (why) throw new Error(why);
    try {
      const names = await topics();
      if (names.length) {
        const [committed, ...ends] = await Promise.all([
          admin.fetchOffsets({ groupId, topics: names }),
          ...names.map((t) => admin.fetchTopicOffsets(t)),
        ]);
        let lag = 0;
        names.forEach((t, i) => {
          const mine = new Map(
            (committed.find((c) => c.topic === t)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
          );
          for (const e of ends[i]!) lag += Math.max(0, Number(e.high) - Math.max(mine.get(e.partition) ?? -1, 0));
        });
        if (lag === 0) return;
        left = `${lag} records not yet committed`;
      }
    } catch (e) {
      // a topic Kafka Streams has just created is not in every metadata cache yet: ask again
      left = `last error: ${(e as Error).message}`;
    }
    if (Date.now() > deadline)
      throw new Error(`windows: group ${groupId} not done after ${opts.timeoutMs} ms: ${left}`);
    await sleep(opts.intervalMs ?? 100);
  }
}

/**
 * The input a peer reads: a fresh topic already holding the events (one topic per peer run), and
 * `flush()`, which appends the flush records to every partition (once; later calls do nothing). A
 * peer calls it when its engine can take it: Spark and the plain consumer at once; Kafka Streams only
 * once every event is through its repartition (a task's stream time after a repartition is the
 * largest event time any upstream partition sent it: a flush processed early on one partition would
 * close, and drop, the windows the other partitions are still filling).
 */
export type PeerInput = {
  bootstrap: string;
  topic: string;
  partitions: number;
  /** records the peer reads, events + flush records: the throughput's numerator */
  records: number;
  flush(): Promise<void>;
};

export type PeerOptions = {
  windowMs: number;
  graceMs: number;
  /** the bench's isolation prefix (lib/testing/isolation.ts): every topic and group a peer creates starts with `${prefix}.` */
  prefix: string;
  /** how long a peer may take before it is stopped and the run fails */
  timeoutMs?: number;
  /** where a peer's process log goes (a file per peer in it) */
  logDir: string;
};

export type PeerRun = {
  engine: string;
  /** the rows on its output topic (all of them: compare with compareRows(expected, rows, flushMs)) */
  rows: WindowRow[];
  /** launch → the engine is ready to process (JVM and job started, consumer group joined) */
  startupMs: number;
  /** launch → its first output row (broker append time) */
  firstResultMs?: number;
  /** launch → its last output row (for the plain consumer: its last record read) */
  wallMs: number;
  /** ready → last row: the processing time proper */
  processMs: number;
  /** input records / processMs */
  recordsPerS: number;
  /** anything worth saying next to the figures (records dropped as late, settings) */
  notes: string[];
};

/** The figures of a run from its launch, ready and output append times. */
export function timings(
  records: number,
  launchedAt: number,
  readyAt: number,
  out: OutputRecord[],
): Pick<PeerRun, 'startupMs' | 'firstResultMs' | 'wallMs' | 'processMs' | 'recordsPerS'> {
  const first = out.length ? out.reduce((m, o) => Math.min(m, o.at), Number.POSITIVE_INFINITY) : undefined;
  const last = out.length ? out.reduce((m, o) => Math.max(m, o.at), 0) : Date.now();
  const processMs = Math.max(1, last - readyAt);
  return {
    startupMs: readyAt - launchedAt,
    firstResultMs: first === undefined ? undefined : first - launchedAt,
    wallMs: last - launchedAt,
    processMs,
    recordsPerS: (records / processMs) * 1000,
  };
}
