// The input of `bun run bench windows`: a seeded stream of generated transactions in bounded disorder,
// and the flush records that close every window at the end of a finite input. Pure but for `produceInput`.
//
// Disorder: each event gets an arrival key = event time + uniform[0, B) from a seeded rng, and events
// are sent in arrival-key order: an event is never behind one more than B ms later in event time, so with
// B < grace no engine may drop anything. Per partition, records keep that order (one send in flight per
// partition). Flush: after the events, each partition gets one record per merchant category at
// `flushMs` (far past the last window end + grace): whatever an engine's notion of event time (per
// partition, per task after a repartition by category, global), it passes every real window's close.
import type { Kafka } from 'kafkajs';
import type { Config } from '../../lib/config.ts';
import { TransactionGenerator } from '../../lib/generator/index.ts';
import { createProducer, ensureTopics, withAdmin } from '../../lib/kafka.ts';
import { partitionFor } from '../../lib/partitioner.ts';
import { seededRng } from '../../lib/random.ts';
import { MERCHANT_CATEGORIES, type Transaction } from '../../lib/schema.ts';

export type InputOptions = {
  events: number;
  seed: number;
  /** event-time span of the events, ms (their rate in event time is events / span) */
  spanMs: number;
  /** bounded disorder B, ms */
  disorderMs: number;
  partitions: number;
  /** the window size and grace, to place the flush past every close */
  windowMs: number;
  graceMs: number;
  /** event time of the first event (default: 2025-01-01T00:00:00Z, fixed so runs are reproducible) */
  fromMs?: number;
};

export type WindowsInput = {
  /** the events, in the order they are sent (arrival order) */
  events: Transaction[];
  /** the flush records, each with its partition: sent last, to every partition */
  flush: { partition: number; event: Transaction }[];
  /** event time of the flush: compare windows with end <= flushMs */
  flushMs: number;
  /** the largest lateness in the sent order (≤ B) */
  maxLatenessMs: number;
};

export function makeInput(cfg: Config, o: InputOptions): WindowsInput {
  const from = o.fromMs ?? Date.UTC(2025, 0, 1);
  const gen = new TransactionGenerator({ ...cfg.generator, seed: o.seed });
  const rng = seededRng(o.seed ^ 0xd150_4de4);
  const keyed = gen
    .backfill(o.events, from, from + o.spanMs)
    .map((s) => ({ event: s.event, t: Date.parse(s.event.timestamp), arrival: 0 }));
  for (const k of keyed) k.arrival = k.t + rng() * o.disorderMs;
  keyed.sort((a, b) => a.arrival - b.arrival);
  let maxT = Number.NEGATIVE_INFINITY;
  let maxLatenessMs = 0;
  for (const k of keyed) {
    maxLatenessMs = Math.max(maxLatenessMs, maxT - k.t);
    maxT = Math.max(maxT, k.t);
  }
  const flushMs = maxT + Math.max(3_600_000, 2 * (o.windowMs + o.graceMs));
  const template = keyed[0]!.event;
  const flush: WindowsInput['flush'] = [];
  for (let p = 0; p < o.partitions; p++) {
    let i = 0;
    // a customer id of the schema's form (cust_<n>) that lands on partition p: engines that validate accept it
    const id = (n: number) => `cust_${9_000_000 + p * 10_000 + n}`;
    while (partitionFor(id(i), o.partitions) !== p) i++;
    for (const category of MERCHANT_CATEGORIES) {
      flush.push({
        partition: p,
        event: {
          ...template,
          transaction_id: `00000000-0000-4000-8000-${String(flush.length).padStart(12, '0')}`,
          customer_id: id(i),
          merchant_category: category,
          timestamp: new Date(flushMs).toISOString(),
        },
      });
    }
  }
  return { events: keyed.map((k) => k.event), flush, flushMs, maxLatenessMs };
}

/**
 * Creates `topic` and sends the events, keyed by customer_id (partitioned as the Java client does), one
 * send in flight per partition so each partition keeps the order. `flush()` then appends the flush
 * records, once. `records` counts both.
 */
export async function produceInput(
  kafka: Kafka,
  topic: string,
  partitions: number,
  input: WindowsInput,
  chunk = 1000,
): Promise<{ records: number; flush: () => Promise<void> }> {
  await withAdmin(kafka, (admin) => ensureTopics(admin, [{ topic, numPartitions: partitions }]));
  const record = (e: Transaction) => ({
    key: e.customer_id,
    value: JSON.stringify(e),
    timestamp: String(Date.parse(e.timestamp)),
  });
  const byPartition: ReturnType<typeof record>[][] = Array.from({ length: partitions }, () => []);
  for (const e of input.events) byPartition[partitionFor(e.customer_id, partitions)]!.push(record(e));
  const send = async (perPartition: ReturnType<typeof record>[][]) => {
    const producer = createProducer(kafka);
    await producer.connect();
    try {
      await Promise.all(
        perPartition.map(async (records, partition) => {
          for (let i = 0; i < records.length; i += chunk) {
            await producer.send({
              topic,
              acks: -1,
              messages: records.slice(i, i + chunk).map((m) => ({ ...m, partition })),
            });
          }
        }),
      );
    } finally {
      await producer.disconnect();
    }
  };
  await send(byPartition);
  let flushed: Promise<void> | undefined;
  const flush = () => {
    flushed ??= send(
      Array.from({ length: partitions }, (_, p) =>
        input.flush.filter((f) => f.partition === p).map((f) => record(f.event)),
      ),
    );
    return flushed;
  };
  return { records: input.events.length + input.flush.length, flush };
}
