// Producing generated transactions: each event to the transactions topic keyed by customer_id, its
// fraud label (if any) to the labels topic, one send() per partition (lib/send.ts: kafkajs can lose
// acknowledged records of a send that spans partitions), and a delivery report for every record: acked
// or failed, by the outcome of its own partition's send, with the send→ack latency. The producer and
// the partition counts are passed in, so tests and labs choose their settings and their cluster; the
// pacing is real time, driven by the events' scheduled times. Each request is also counted in the
// process's metrics (lib/produce-metrics.ts).
import type { Message, Producer } from 'kafkajs';
import type { Scheduled } from './generator/index.ts';
import { partitionFor } from './partitioner.ts';
import { recordSend } from './produce-metrics.ts';
import { type Delivery, type PartitionCounts, byPartition, deliverEach } from './send.ts';
import { sleep } from './wait.ts';

export type Topics = { transactions: string; labels: string };

/** One acknowledged event, as the producer saw it (epoch ms): due, its request's send() began, acked. */
export type SendTime = { dueMs: number; sentMs: number; ackedMs: number };

/** Delivery reports, counted: nothing is dropped without being counted as failed. */
export class DeliveryStats {
  /** events (transactions records) */
  sent = 0;
  acked = 0;
  failed = 0;
  /** label records: a failed label leaves its acked event unlabeled on the topics, and in what is returned */
  readonly labels = { acked: 0, failed: 0 };
  /** error message → records (events and labels) that failed with it */
  readonly errors = new Map<string, number>();
  /** per-record send→ack latency in ms, a uniform reservoir sample of at most `capacity` */
  readonly latencies: number[] = [];
  /** the first `keepTimes` acknowledged events' send times, in the order their acks came (none unless asked) */
  readonly times: SendTime[] = [];
  private seen = 0;
  constructor(
    private readonly capacity = 20_000,
    private readonly keepTimes = 0,
  ) {}

  /** Notes when each event of one acknowledged request was due, sent and acked (kept up to `keepTimes`). */
  recordTimes(dueMs: readonly number[], sentMs: number, ackedMs: number) {
    for (const d of dueMs) if (this.times.length < this.keepTimes) this.times.push({ dueMs: d, sentMs, ackedMs });
  }

  record(records: number, latencyMs: number, error?: Error) {
    if (error) {
      this.failed += records;
      const key = error.message;
      this.errors.set(key, (this.errors.get(key) ?? 0) + records);
      return;
    }
    this.acked += records;
    for (let i = 0; i < records; i++) {
      this.seen++;
      if (this.latencies.length < this.capacity) this.latencies.push(latencyMs);
      else {
        const j = Math.floor(Math.random() * this.seen);
        if (j < this.capacity) this.latencies[j] = latencyMs;
      }
    }
  }

  recordLabels(records: number, error?: Error) {
    if (!error) {
      this.labels.acked += records;
      return;
    }
    this.labels.failed += records;
    this.errors.set(error.message, (this.errors.get(error.message) ?? 0) + records);
  }
}

const eventMessage = (s: Scheduled): Message => ({
  key: s.event.customer_id,
  value: JSON.stringify(s.event),
  timestamp: String(Math.floor(s.timeMs)),
});
const labelMessage = (s: Scheduled): Message => ({
  key: s.event.customer_id,
  value: JSON.stringify(s.label),
  timestamp: String(Math.floor(s.timeMs)),
});

/**
 * Sends one batch with acks=all, one send() per partition of each topic, and records each record's
 * delivery from its own partition's outcome; never throws. Returns the events Kafka acknowledged, in
 * batch order; an event whose label failed comes back without it, as the topics hold it.
 */
export async function sendBatch(
  producer: Producer,
  counts: PartitionCounts,
  topics: Topics,
  batch: readonly Scheduled[],
  stats: DeliveryStats,
): Promise<Scheduled[]> {
  stats.sent += batch.length;
  const labeled = batch.filter((s) => s.label);
  const [events, labels] = await Promise.all([
    deliver(producer, counts, topics.transactions, batch, eventMessage),
    deliver(producer, counts, topics.labels, labeled, labelMessage),
  ]);
  const acked = new Set<Scheduled>();
  for (const d of events) {
    stats.record(d.items.length, d.ms, d.error);
    if (!d.error)
      stats.recordTimes(
        d.items.map((s) => s.timeMs),
        d.sentAtMs,
        d.sentAtMs + d.ms,
      );
    recordSend(topics.transactions, d.items.length, d.ms, d.error);
    if (!d.error) for (const s of d.items) acked.add(s);
  }
  const labelFailed = new Set<Scheduled>();
  for (const d of labels) {
    stats.recordLabels(d.items.length, d.error);
    recordSend(topics.labels, d.items.length, d.ms, d.error);
    if (d.error) for (const s of d.items) labelFailed.add(s);
  }
  return batch.filter((s) => acked.has(s)).map((s) => (labelFailed.has(s) ? { ...s, label: null } : s));
}

/** deliverEach, with a failure to read the partition count reported as every item failed. */
async function deliver(
  producer: Producer,
  counts: PartitionCounts,
  topic: string,
  items: readonly Scheduled[],
  toMessage: (s: Scheduled) => Message,
): Promise<Delivery<Scheduled>[]> {
  try {
    return await deliverEach(producer, counts, topic, items, toMessage, { acks: -1 });
  } catch (e) {
    return [{ partition: -1, items: [...items], metadata: [], sentAtMs: Date.now(), ms: 0, error: e as Error }];
  }
}

/** Sends a batch, adding what Kafka acknowledged to `delivered`: what callers count and wait for is what it holds. */
function track(
  out: { producer: Producer; counts: PartitionCounts; topics: Topics },
  batch: Scheduled[],
  stats: DeliveryStats,
  delivered: Scheduled[],
  inflight: Set<Promise<void>>,
) {
  const p: Promise<void> = sendBatch(out.producer, out.counts, out.topics, batch, stats)
    .then((acked) => {
      delivered.push(...acked);
    })
    .finally(() => inflight.delete(p));
  inflight.add(p);
}

const byTime = (a: Scheduled, b: Scheduled) => a.timeMs - b.timeMs;

/**
 * Sends pre-generated events as fast as the broker takes them, a few batches in flight, each batch
 * one partition's (chunksByPartition). Returns the events Kafka acknowledged, in time order (failures
 * are in `stats`, not in the result).
 */
export async function produceAll(
  producer: Producer,
  counts: PartitionCounts,
  topics: Topics,
  events: readonly Scheduled[],
  stats: DeliveryStats,
  opts: { signal?: AbortSignal; batchSize?: number; inFlight?: number; onProgress?: () => void } = {},
): Promise<Scheduled[]> {
  // unknown partition count: plain chunks, whose sends then fail and are counted
  const partitions = await counts.of(topics.transactions).catch(() => 1);
  const inflight = new Set<Promise<void>>();
  const delivered: Scheduled[] = [];
  for (const chunk of chunksByPartition(events, partitions, opts.batchSize ?? 500)) {
    if (opts.signal?.aborted) break;
    track({ producer, counts, topics }, chunk, stats, delivered, inflight);
    if (inflight.size >= (opts.inFlight ?? 4)) await Promise.race(inflight);
    opts.onProgress?.();
  }
  await Promise.all(inflight);
  return delivered.sort(byTime);
}

/**
 * Events in chunks of up to `size` that each hold one partition's records, in time order within the
 * partition, the partitions taking turns. An idempotent kafkajs producer sends one request at a time
 * per broker, so one send() per partition of a mixed batch would cut each request to a fraction of
 * the batch; a chunk of one partition keeps requests as large as the batch. Pure.
 */
export function chunksByPartition(events: readonly Scheduled[], partitions: number, size: number): Scheduled[][] {
  const queues = [...byPartition(events, (s) => partitionFor(s.event.customer_id, partitions)).values()];
  const chunks: Scheduled[][] = [];
  for (let at = 0; queues.some((q) => at < q.length); at += size)
    for (const q of queues) if (at < q.length) chunks.push(q.slice(at, at + size));
  return chunks;
}

export type LiveOptions = {
  /** stop after this long (wall clock), or when `maxEvents` have been sent, or on abort */
  durationMs: number;
  maxEvents?: number;
  signal?: AbortSignal;
  /** called about once a second, and once at the end */
  onTick?: (elapsedMs: number) => void;
  maxBatch?: number;
  maxInFlight?: number;
};

/**
 * Replays an event-time stream in real time: each event is sent when the wall clock reaches its
 * scheduled time, so the gaps on the topic are the generator's Poisson gaps. Events that are due
 * together go in one request. It ends at `durationMs`, after `maxEvents`, on abort, or when the stream
 * ends (a bounded stream: every pattern in it whole). Returns the events Kafka acknowledged (scheduled
 * times and labels), in time order; failed sends are counted in `stats`.
 */
export async function produceLive(
  producer: Producer,
  counts: PartitionCounts,
  topics: Topics,
  stream: Iterator<Scheduled>,
  stats: DeliveryStats,
  opts: LiveOptions,
): Promise<Scheduled[]> {
  const delivered: Scheduled[] = [];
  const inflight = new Set<Promise<void>>();
  const started = await paceLive(
    stream,
    opts,
    () => stats.sent,
    async (batch) => {
      track({ producer, counts, topics }, batch, stats, delivered, inflight);
      if (inflight.size >= (opts.maxInFlight ?? 8)) await Promise.race(inflight);
    },
  );
  await Promise.all(inflight);
  opts.onTick?.(Date.now() - started);
  return delivered.sort(byTime);
}

/**
 * The real-time pacing of a live stream, for any producer: hands `send` the events that are due (in order,
 * up to `maxBatch` at a time) and sleeps until the next one is due, calling `idle` first; stops at
 * `durationMs`, once `sent()` reaches `maxEvents`, on abort, or at the stream's end. Calls `onTick` about
 * once a second. Returns when it started (epoch ms); the caller flushes and makes the last tick.
 */
export async function paceLive(
  stream: Iterator<Scheduled>,
  opts: LiveOptions,
  sent: () => number,
  send: (due: Scheduled[]) => Promise<void>,
  idle?: () => void,
): Promise<number> {
  const started = Date.now();
  const pull = () => {
    const r = stream.next();
    return r.done ? undefined : (r.value as Scheduled);
  };
  let next = pull();
  let lastTick = started;
  const maxEvents = opts.maxEvents ?? Number.POSITIVE_INFINITY;
  while (next !== undefined && !opts.signal?.aborted && sent() < maxEvents) {
    const now = Date.now();
    if (now - started >= opts.durationMs) break;
    if (now - lastTick >= 1000) {
      lastTick = now;
      opts.onTick?.(now - started);
    }
    const batch: Scheduled[] = [];
    while (next && next.timeMs <= now && batch.length < (opts.maxBatch ?? 2000) && sent() + batch.length < maxEvents) {
      batch.push(next);
      next = pull();
    }
    if (batch.length === 0) {
      idle?.();
      await sleep(Math.min(50, Math.max(1, (next?.timeMs ?? now) - now)), opts.signal);
      continue;
    }
    await send(batch);
  }
  return started;
}
