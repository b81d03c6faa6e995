// How every producer in txlab sends: one send() per partition.
//
// kafkajs 2.2.4 can lose acknowledged records when a partition's leader changes during a send() that
// spans several partitions: on a 3-broker cluster (RF=3, min.insync.replicas=2, acks=all, idempotent),
// a send of 50 records over 6 partitions with one broker SIGKILLed resolved without error while 9–15
// records of the dead leader's partition were missing on read-back. Its retry re-sends only to brokers
// that gave no response (src/producer/sendMessages.js; open PR tulios/kafkajs#1798), so a partition
// whose leadership moved to a broker that had already answered is never sent again. A send() for one
// partition has one leader: it either succeeds or fails as a whole, and nothing is lost unnoticed.
//
// So records are placed here, with Kafka's own partitioner (murmur2 of the key, as the Java client and
// kafkajs's DefaultPartitioner do), and each partition's records go in a send() of their own, all in
// parallel. The partition counts come from the broker's metadata, cached for a minute.
//
// And one send() at a time per partition and producer: kafkajs assigns an idempotent batch its sequence
// numbers when it is written and takes them back when the request fails, so two sends of one partition
// in flight across a leader change can go out with the same sequence numbers; the new leader then takes
// the second for a retry of the first, answers "duplicate", and kafkajs reports it acknowledged while it
// was never stored (seen: 29 acknowledged records missing after a leader kill, with sends of several
// calls in flight). Queued behind the one in flight, a partition's next send gets fresh numbers.
import { withAdmin } from './kafka.ts';
import type { Kafka, Message, Producer, RecordMetadata } from 'kafkajs';
import { partitionFor } from './partitioner.ts';

const COUNT_MAX_AGE_MS = 60_000;

/** Partitions per topic, from the broker's metadata, cached briefly (a topic can grow). */
export class PartitionCounts {
  private readonly cache = new Map<string, { at: number; count: Promise<number> }>();
  constructor(private readonly kafka: Kafka) {}

  of(topic: string): Promise<number> {
    const hit = this.cache.get(topic);
    if (hit && Date.now() - hit.at < COUNT_MAX_AGE_MS) return hit.count;
    const count = this.fetch(topic);
    this.cache.set(topic, { at: Date.now(), count });
    count.catch(() => this.cache.delete(topic));
    return count;
  }

  private fetch(topic: string): Promise<number> {
    return withAdmin(this.kafka, async (admin) => {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      const n = meta.topics[0]?.partitions.length ?? 0;
      if (n < 1) throw new Error(`send: topic ${topic} has no partitions`);
      return n;
    });
  }
}

export type Placed = Message & { partition: number };

/** Each message with its partition: the one it names, murmur2 of its key, or round robin for a null key. */
export function place(messages: readonly Message[], partitions: number, start = 0): Placed[] {
  let next = start;
  return messages.map((m) => {
    if (m.partition !== undefined && m.partition !== null) return m as Placed;
    const partition = m.key === null || m.key === undefined ? next++ % partitions : partitionFor(m.key, partitions);
    return { ...m, partition };
  });
}

/** Items grouped by partition, each group in the order given (Kafka keeps order within a partition). */
export function byPartition<T>(xs: readonly T[], partitionOf: (x: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const x of xs) {
    const p = partitionOf(x);
    const g = groups.get(p);
    if (g) g.push(x);
    else groups.set(p, [x]);
  }
  return groups;
}

export type PartitionedRecord = { topic: string; messages: readonly Message[]; acks?: -1 | 0 | 1; timeout?: number };

let roundRobin = 0;

/**
 * Sends `messages` to `topic`, one send() per partition, in parallel; resolves when every partition's
 * send has been acknowledged and rejects if any failed (the others may have succeeded: callers that
 * count deliveries use sendEachPartition).
 */
export async function sendPerPartition(
  producer: Producer,
  counts: PartitionCounts,
  r: PartitionedRecord,
): Promise<RecordMetadata[]> {
  const outcomes = await sendEachPartition(producer, counts, r);
  const failed = outcomes.find((o) => o.error);
  if (failed?.error) throw failed.error;
  return outcomes.flatMap((o) => o.metadata);
}

/** bytes per request that sendBySize keeps under, well below the broker's message.max.bytes (~1 MiB) */
export const REQUEST_BYTES = 256 << 10;

/** Bytes a record takes on the wire, rounded up (record and batch overhead included). */
export function recordBytes(m: Message): number {
  const len = (v: unknown) => (v === null || v === undefined ? 0 : Buffer.byteLength(v as Buffer | string));
  let n = 80 + len(m.key) + len(m.value);
  for (const [k, v] of Object.entries(m.headers ?? {})) n += 8 + Buffer.byteLength(k) + len(v);
  return n;
}

/** Consecutive slices of at most `maxBytes` each (a record larger than that goes alone). */
export function bySize(messages: readonly Message[], maxBytes: number = REQUEST_BYTES): Message[][] {
  const out: Message[][] = [];
  let slice: Message[] = [];
  let bytes = 0;
  for (const m of messages) {
    const n = recordBytes(m);
    if (slice.length > 0 && bytes + n > maxBytes) {
      out.push(slice);
      [slice, bytes] = [[], 0];
    }
    slice.push(m);
    bytes += n;
  }
  if (slice.length > 0) out.push(slice);
  return out;
}

/**
 * sendPerPartition for any number of records: in size-bounded slices, one after another, so no request
 * exceeds the broker's limit (MESSAGE_TOO_LARGE would otherwise stop a process whose output grows with
 * its input, as the windows process's flushes do) and each partition keeps the records' order.
 */
export async function sendBySize(
  producer: Producer,
  counts: PartitionCounts,
  r: PartitionedRecord,
  maxBytes: number = REQUEST_BYTES,
): Promise<RecordMetadata[]> {
  const out: RecordMetadata[] = [];
  for (const messages of bySize(r.messages, maxBytes))
    out.push(...(await sendPerPartition(producer, counts, { ...r, messages })));
  return out;
}

export type PartitionOutcome = {
  partition: number;
  messages: number;
  metadata: RecordMetadata[];
  ms: number;
  error?: Error;
};

/** Like sendPerPartition, but reports each partition's outcome instead of throwing: what was acked, what failed. */
export async function sendEachPartition(
  producer: Producer,
  counts: PartitionCounts,
  r: PartitionedRecord,
): Promise<PartitionOutcome[]> {
  const outcomes = await deliverEach(producer, counts, r.topic, r.messages, (m) => m, r);
  return outcomes.map(({ items, ...o }) => ({ ...o, messages: items.length }));
}

/**
 * One partition's send, with the caller's items that went in it, when its send() began (epoch ms, sub-ms:
 * after any wait behind the partition's previous send) and how long it took to be acknowledged.
 */
export type Delivery<T> = {
  partition: number;
  items: T[];
  metadata: RecordMetadata[];
  sentAtMs: number;
  ms: number;
  error?: Error;
};

/**
 * The primitive under both: one message per item, placed and sent one send() per partition, in parallel.
 * Each outcome carries its items, so a caller can tell exactly which of its records Kafka acknowledged.
 * Never rejects for a failed send (that is the outcome's `error`); rejects only if the topic's partition
 * count cannot be read, before anything was sent.
 */
export async function deliverEach<T>(
  producer: Producer,
  counts: PartitionCounts,
  topic: string,
  items: readonly T[],
  toMessage: (item: T) => Message,
  opts: { acks?: -1 | 0 | 1; timeout?: number } = {},
): Promise<Delivery<T>[]> {
  if (items.length === 0) return [];
  const n = await counts.of(topic);
  const placed = place(items.map(toMessage), n, roundRobin).map((message, i) => ({ message, item: items[i]! }));
  roundRobin = (roundRobin + 1) % n;
  const groups = byPartition(placed, (p) => p.message.partition);
  return Promise.all(
    [...groups].map(async ([partition, group]): Promise<Delivery<T>> => {
      const items = group.map((p) => p.item);
      const messages = group.map((p) => p.message);
      return oneAtATime(producer, `${topic}\u0000${partition}`, async () => {
        const t0 = performance.now();
        const sentAtMs = performance.timeOrigin + t0;
        try {
          const metadata = await producer.send({ topic, acks: opts.acks ?? -1, timeout: opts.timeout, messages });
          return { partition, items, metadata, sentAtMs, ms: performance.now() - t0 };
        } catch (e) {
          return { partition, items, metadata: [], sentAtMs, ms: performance.now() - t0, error: e as Error };
        }
      });
    }),
  );
}

/** per producer, the last send queued for each topic-partition */
const queues = new WeakMap<Producer, Map<string, Promise<unknown>>>();

/** Runs `f` once every earlier call for the same producer and `key` has settled. */
function oneAtATime<T>(producer: Producer, key: string, f: () => Promise<T>): Promise<T> {
  let q = queues.get(producer);
  if (!q) queues.set(producer, (q = new Map()));
  const run = (q.get(key) ?? Promise.resolve()).then(f, f);
  const settled = run.then(
    () => {},
    () => {},
  );
  q.set(key, settled);
  void settled.then(() => {
    if (q.get(key) === settled) q.delete(key);
  });
  return run;
}
