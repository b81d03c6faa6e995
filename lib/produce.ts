// Producing generated transactions: each event to the transactions topic keyed by customer_id, its
// fraud label (if any) to the labels topic in the same request, and a delivery report for every
// record: acked or failed, with the send→ack latency. The producer is passed in, so tests and labs
// choose its settings; the pacing is real time, driven by the events' scheduled times.
import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { Scheduled } from './generator/index.ts';
import { sleep } from './wait.ts';

export type Topics = { transactions: string; labels: string };

/** Delivery reports, counted: nothing is dropped without being counted as failed. */
export class DeliveryStats {
  sent = 0;
  acked = 0;
  failed = 0;
  readonly errors = new Map<string, number>();
  /** per-record send→ack latency in ms, a uniform reservoir sample of at most `capacity` */
  readonly latencies: number[] = [];
  private seen = 0;
  constructor(private readonly capacity = 20_000) {}

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
}

export function toMessages(batch: readonly Scheduled[], topics: Topics): TopicMessages[] {
  const events: Message[] = [];
  const labels: Message[] = [];
  for (const { event, label, timeMs } of batch) {
    const timestamp = String(Math.floor(timeMs));
    events.push({ key: event.customer_id, value: JSON.stringify(event), timestamp });
    if (label) labels.push({ key: event.customer_id, value: JSON.stringify(label), timestamp });
  }
  const out: TopicMessages[] = [{ topic: topics.transactions, messages: events }];
  if (labels.length) out.push({ topic: topics.labels, messages: labels });
  return out;
}

/** Sends one batch with acks=all and records its delivery report; never throws. True when acked. */
export async function sendBatch(
  producer: Producer,
  topics: Topics,
  batch: readonly Scheduled[],
  stats: DeliveryStats,
): Promise<boolean> {
  stats.sent += batch.length;
  const t0 = performance.now();
  try {
    await producer.sendBatch({ acks: -1, topicMessages: toMessages(batch, topics) });
    stats.record(batch.length, performance.now() - t0);
    return true;
  } catch (e) {
    stats.record(batch.length, performance.now() - t0, e as Error);
    return false;
  }
}

/** Sends a batch, and on ack adds it to `delivered`: what callers count and wait for is what Kafka holds. */
function track(
  producer: Producer,
  topics: Topics,
  batch: Scheduled[],
  stats: DeliveryStats,
  delivered: Scheduled[],
  inflight: Set<Promise<void>>,
) {
  const p: Promise<void> = sendBatch(producer, topics, batch, stats)
    .then((ok) => {
      if (ok) delivered.push(...batch);
    })
    .finally(() => inflight.delete(p));
  inflight.add(p);
}

const byTime = (a: Scheduled, b: Scheduled) => a.timeMs - b.timeMs;

/**
 * Sends pre-generated events as fast as the broker takes them, a few batches in flight. Returns the
 * events Kafka acknowledged, in time order (failures are in `stats`, not in the result).
 */
export async function produceAll(
  producer: Producer,
  topics: Topics,
  events: readonly Scheduled[],
  stats: DeliveryStats,
  opts: { signal?: AbortSignal; batchSize?: number; inFlight?: number; onProgress?: () => void } = {},
): Promise<Scheduled[]> {
  const size = opts.batchSize ?? 500;
  const inflight = new Set<Promise<void>>();
  const delivered: Scheduled[] = [];
  for (let i = 0; i < events.length && !opts.signal?.aborted; i += size) {
    track(producer, topics, events.slice(i, i + size), stats, delivered, inflight);
    if (inflight.size >= (opts.inFlight ?? 4)) await Promise.race(inflight);
    opts.onProgress?.();
  }
  await Promise.all(inflight);
  return delivered.sort(byTime);
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
 * together go in one request. Returns the events Kafka acknowledged (scheduled times and labels), in
 * time order; failed sends are counted in `stats`.
 */
export async function produceLive(
  producer: Producer,
  topics: Topics,
  stream: Iterator<Scheduled>,
  stats: DeliveryStats,
  opts: LiveOptions,
): Promise<Scheduled[]> {
  const started = Date.now();
  const delivered: Scheduled[] = [];
  const inflight = new Set<Promise<void>>();
  let next = stream.next().value as Scheduled;
  let lastTick = started;
  const maxEvents = opts.maxEvents ?? Number.POSITIVE_INFINITY;
  while (!opts.signal?.aborted && stats.sent < maxEvents) {
    const now = Date.now();
    if (now - started >= opts.durationMs) break;
    if (now - lastTick >= 1000) {
      lastTick = now;
      opts.onTick?.(now - started);
    }
    const batch: Scheduled[] = [];
    while (next.timeMs <= now && batch.length < (opts.maxBatch ?? 2000) && stats.sent + batch.length < maxEvents) {
      batch.push(next);
      next = stream.next().value as Scheduled;
    }
    if (batch.length === 0) {
      await sleep(Math.min(50, Math.max(1, next.timeMs - now)), opts.signal);
      continue;
    }
    track(producer, topics, batch, stats, delivered, inflight);
    if (inflight.size >= (opts.maxInFlight ?? 8)) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  opts.onTick?.(Date.now() - started);
  return delivered.sort(byTime);
}
