// Producing generated transactions through librdkafka (lib/rdkafka/producer.ts): the same records as
// lib/produce.ts's produceAll (each event to the transactions topic keyed by customer_id, placed with
// Kafka's partitioner; its fraud label, if any, to the labels topic), the same delivery reports in
// DeliveryStats and the process's metrics, but every record reported on its own.
import type { Scheduled } from '../generator/index.ts';
import type { DeliveryStats, LiveOptions, Topics } from '../produce.ts';
import { recordSend } from '../produce-metrics.ts';
import { partitionFor } from '../partitioner.ts';
import { sleep } from '../wait.ts';
import { ERR_QUEUE_FULL, type RdkafkaError, type RdkafkaProducer, type Report } from './producer.ts';

/** `sentMs` for latency (performance.now()), `sentAt` for the arrival times (epoch ms). */
type Pending = { s: Scheduled; sentMs: number; sentAt: number; label: boolean };

/**
 * Routes a producer's reports into DeliveryStats: make one, pass its `onReport` to the producer, then
 * produce through `send`. `acked()` is every acknowledged event in time order, its label dropped if the
 * label failed (as the topics then hold it).
 */
export class RdkafkaDelivery {
  private readonly pending = new Map<number, Pending>();
  private readonly ackedEvents: Scheduled[] = [];
  private readonly labelFailed = new Set<Scheduled>();
  producer!: RdkafkaProducer;

  constructor(
    private readonly topics: Topics,
    private readonly partitions: { transactions: number; labels: number },
    private readonly stats: DeliveryStats,
  ) {}

  readonly onReport = (r: Report) => {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    const ms = performance.now() - p.sentMs;
    const error = r.error ? new Error(`${r.error.name}: ${r.error.message}`) : undefined;
    if (p.label) {
      this.stats.recordLabels(1, error);
      recordSend(this.topics.labels, 1, ms, error);
      if (error) this.labelFailed.add(p.s);
      return;
    }
    this.stats.record(1, ms, error);
    recordSend(this.topics.transactions, 1, ms, error);
    if (error) return;
    this.stats.recordTimes([p.s.timeMs], p.sentAt, p.sentAt + ms);
    this.ackedEvents.push(p.s);
  };

  /** Queues one event and its label; waits (serving reports) while librdkafka's queue is full. */
  async send(s: Scheduled): Promise<void> {
    this.stats.sent++;
    const key = s.event.customer_id;
    await this.one(
      { s, sentMs: performance.now(), sentAt: Date.now(), label: false },
      this.topics.transactions,
      partitionFor(key, this.partitions.transactions),
      JSON.stringify(s.event),
    );
    if (s.label)
      await this.one(
        { s, sentMs: performance.now(), sentAt: Date.now(), label: true },
        this.topics.labels,
        partitionFor(key, this.partitions.labels),
        JSON.stringify(s.label),
      );
  }

  private async one(p: Pending, topic: string, partition: number, value: string): Promise<void> {
    for (;;) {
      const r = this.producer.produce(topic, partition, p.s.event.customer_id, value, p.s.timeMs);
      if (typeof r === 'number') {
        this.pending.set(r, p);
        return;
      }
      if (r.code !== ERR_QUEUE_FULL) return this.refused(p, r);
      await this.producer.drain(this.producer.outstanding >> 1);
    }
  }

  /** A record librdkafka would not queue gets its report here: failed, with the reason. */
  private refused(p: Pending, r: RdkafkaError) {
    const error = new Error(`${r.name}: ${r.message}`);
    if (p.label) {
      this.stats.recordLabels(1, error);
      this.labelFailed.add(p.s);
    } else this.stats.record(1, 0, error);
    recordSend(p.label ? this.topics.labels : this.topics.transactions, 1, 0, error);
  }

  acked(): Scheduled[] {
    return this.ackedEvents
      .map((s) => (this.labelFailed.has(s) ? { ...s, label: null } : s))
      .sort((a, b) => a.timeMs - b.timeMs);
  }
}

/**
 * Sends pre-generated events as fast as librdkafka takes them (up to `maxOutstanding` unreported records),
 * then waits for every report. Returns the events Kafka acknowledged, in time order.
 */
export async function produceAllRdkafka(
  delivery: RdkafkaDelivery,
  events: readonly Scheduled[],
  opts: { signal?: AbortSignal; maxOutstanding?: number } = {},
): Promise<Scheduled[]> {
  const max = opts.maxOutstanding ?? 50_000;
  for (const s of events) {
    if (opts.signal?.aborted) break;
    await delivery.send(s);
    if (delivery.producer.outstanding >= max) await delivery.producer.drain(max >> 1);
  }
  await delivery.producer.drain();
  return delivery.acked();
}

/**
 * Replays an event-time stream in real time, as lib/produce.ts's produceLive does: each event is queued when
 * the wall clock reaches its scheduled time (librdkafka batches them per partition, `linger.ms` at most),
 * until `durationMs`, `maxEvents`, abort, or the stream's end; then waits for every report. Returns the
 * events Kafka acknowledged, in time order.
 */
export async function produceLiveRdkafka(
  delivery: RdkafkaDelivery,
  stream: Iterator<Scheduled>,
  stats: DeliveryStats,
  opts: LiveOptions,
): Promise<Scheduled[]> {
  const started = Date.now();
  let lastTick = started;
  const maxEvents = opts.maxEvents ?? Number.POSITIVE_INFINITY;
  let r = stream.next();
  while (!r.done && !opts.signal?.aborted && stats.sent < maxEvents) {
    const now = Date.now();
    if (now - started >= opts.durationMs) break;
    if (now - lastTick >= 1000) {
      lastTick = now;
      opts.onTick?.(now - started);
    }
    const next = r.value as Scheduled;
    if (next.timeMs > now) {
      delivery.producer.poll();
      await sleep(Math.min(50, Math.max(1, next.timeMs - now)), opts.signal);
      continue;
    }
    await delivery.send(next);
    r = stream.next();
  }
  await delivery.producer.drain();
  opts.onTick?.(Date.now() - started);
  return delivery.acked();
}
