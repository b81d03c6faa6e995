// Producing generated transactions through librdkafka (lib/rdkafka/producer.ts): the same records as
// lib/produce.ts's produceAll (each event to the transactions topic keyed by customer_id, placed with
// Kafka's partitioner; its fraud label, if any, to the labels topic), the same delivery reports in
// DeliveryStats and the process's metrics, but every record reported on its own.
import type { Scheduled } from '../generator/index.ts';
import { type DeliveryStats, type LiveOptions, type Topics, paceLive } from '../produce.ts';
import { sendRecorder } from '../produce-metrics.ts';
import { partitionFor } from '../partitioner.ts';
import {
  ERR_QUEUE_FULL,
  type RdkafkaError,
  RdkafkaProducer,
  type RdkafkaProducerOptions,
  type Report,
} from './producer.ts';

/** `sentMs`: when it was queued, on performance.now()'s clock (its epoch time is timeOrigin + sentMs). */
type Pending = { s: Scheduled; sentMs: number; label: boolean };

/**
 * A librdkafka producer whose reports go into DeliveryStats: produce through `send`, then `producer.close()`.
 * `acked()` is every acknowledged event in time order, its label dropped if the label failed (as the topics
 * then hold it).
 */
export class RdkafkaDelivery {
  private readonly pending = new Map<number, Pending>();
  private readonly ackedEvents: Scheduled[] = [];
  private readonly labelFailed = new Set<Scheduled>();
  readonly producer: RdkafkaProducer;
  private readonly meter: { transactions: ReturnType<typeof sendRecorder>; labels: ReturnType<typeof sendRecorder> };

  constructor(
    private readonly topics: Topics,
    private readonly partitions: { transactions: number; labels: number },
    readonly stats: DeliveryStats,
    producer: Omit<RdkafkaProducerOptions, 'onReport'>,
  ) {
    this.meter = { transactions: sendRecorder(topics.transactions), labels: sendRecorder(topics.labels) };
    this.producer = new RdkafkaProducer({ ...producer, onReport: (r) => this.onReport(r) });
  }

  private onReport(r: Report) {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    this.settle(p, performance.now() - p.sentMs, r.error);
  }

  /** One record's outcome, into the stats and metrics: acked, or failed with librdkafka's reason. */
  private settle(p: Pending, ms: number, failure?: RdkafkaError) {
    const error = failure ? new Error(`${failure.name}: ${failure.message}`) : undefined;
    if (p.label) {
      this.stats.recordLabels(1, error);
      this.meter.labels(1, ms, error);
      if (error) this.labelFailed.add(p.s);
      return;
    }
    this.stats.record(1, ms, error);
    this.meter.transactions(1, ms, error);
    if (error) return;
    const sentAt = performance.timeOrigin + p.sentMs;
    this.stats.recordTimes([p.s.timeMs], sentAt, sentAt + ms);
    this.ackedEvents.push(p.s);
  }

  /**
   * Queues one event and its label. Returns nothing when librdkafka took them at once (the common case, kept
   * free of promises), or a promise that settles once they are queued: while its queue is full, reports are
   * served and the record is offered again.
   */
  send(s: Scheduled): Promise<void> | undefined {
    this.stats.sent++;
    const key = s.event.customer_id;
    const partition = partitionFor(key, this.partitions.transactions);
    const event = this.one(
      { s, sentMs: performance.now(), label: false },
      this.topics.transactions,
      partition,
      JSON.stringify(s.event),
    );
    if (!s.label) return event;
    const same = this.partitions.labels === this.partitions.transactions;
    const label = () =>
      this.one(
        { s, sentMs: performance.now(), label: true },
        this.topics.labels,
        same ? partition : partitionFor(key, this.partitions.labels),
        JSON.stringify(s.label),
      );
    return event ? event.then(label) : label();
  }

  private one(p: Pending, topic: string, partition: number, value: string): Promise<void> | undefined {
    const r = this.producer.produce(topic, partition, p.s.event.customer_id, value, p.s.timeMs);
    if (typeof r === 'number') {
      this.pending.set(r, p);
      return;
    }
    // a record librdkafka would not queue gets its report here: failed, with the reason
    if (r.code !== ERR_QUEUE_FULL) {
      this.settle(p, 0, r);
      return;
    }
    return this.producer.drain(this.producer.outstanding >> 1).then(() => this.one(p, topic, partition, value));
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
    const queued = delivery.send(s);
    if (queued) await queued;
    if (delivery.producer.outstanding >= max) await delivery.producer.drain(max >> 1);
  }
  await delivery.producer.drain();
  return delivery.acked();
}

/**
 * Replays an event-time stream in real time with lib/produce.ts's pacing (paceLive): each event is queued
 * when the wall clock reaches its scheduled time (librdkafka batches them per partition, `linger.ms` at
 * most); then waits for every report. Returns the events Kafka acknowledged, in time order.
 */
export async function produceLiveRdkafka(
  delivery: RdkafkaDelivery,
  stream: Iterator<Scheduled>,
  opts: LiveOptions,
): Promise<Scheduled[]> {
  const started = await paceLive(
    stream,
    opts,
    () => delivery.stats.sent,
    async (due) => {
      for (const s of due) {
        const queued = delivery.send(s);
        if (queued) await queued;
      }
    },
    () => delivery.producer.poll(),
  );
  await delivery.producer.drain();
  opts.onTick?.(Date.now() - started);
  return delivery.acked();
}
