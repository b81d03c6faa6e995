// The reference of `bun run bench guarantees`: lab 07's consume → settle → produce with no guarantee
// bookkeeping at all. A kafkajs consumer reads the same input range with the pipelines' fetch settings
// (groupConsumerConfig, one partition at a time), cuts each fetch into the same batches, settles them
// (settle.ts) and sends the settlements with the same idempotent acks=all producer and one send() per
// partition (deliverEach), exactly as the pipelines' write step does; but it never commits an offset and
// opens no transaction. So it is the ceiling of this consume-transform-produce on these engines: what a
// guarantee costs is the distance from it. It runs in the bench's own process (the pipelines run as a
// child each): startup is left out of both figures, which are timed from the first batch to the last.
import type { Kafka } from 'kafkajs';
import type { Offsets } from '../../lib/drain.ts';
import { type Settlement, settle, settlementMessage } from '../../lib/guarantees/settle.ts';
import { createProducer, groupConsumerConfig } from '../../lib/kafka.ts';
import { PartitionCounts, deliverEach } from '../../lib/send.ts';

export type CopyBatch = { records: number; ms: number; partition: number };
export type CopyRun = { batches: CopyBatch[]; busyMs: number };

/**
 * Copies `input`'s range [from, to) to `output` in batches of at most `batch` records; no offsets stored.
 * `group` must be new: it reads from the beginning and skips what lies before the range (no setOffsets,
 * whose kafkajs consumer costs about five seconds).
 */
export async function copyReference(o: {
  kafka: Kafka;
  input: string;
  output: string;
  group: string;
  from: Offsets;
  to: Offsets;
  batch: number;
  timeoutMs: number;
}): Promise<CopyRun> {
  const consumer = o.kafka.consumer(groupConsumerConfig(o.group));
  const producer = createProducer(o.kafka);
  const counts = new PartitionCounts(o.kafka);
  const pending = new Set([...o.to].filter(([p, high]) => high > (o.from.get(p) ?? 0)).map(([p]) => p));
  const batches: CopyBatch[] = [];
  let first = 0;
  let last = 0;
  await Promise.all([consumer.connect(), producer.connect()]);
  try {
    await consumer.subscribe({ topic: o.input, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`reference copy: partitions ${[...pending].join(',')} unfinished after ${o.timeoutMs} ms`)),
        o.timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: async ({ batch, heartbeat }) => {
            const partition = batch.partition;
            const [start, end] = [o.from.get(partition) ?? 0, o.to.get(partition) ?? 0];
            const messages = batch.messages.filter((m) => Number(m.offset) >= start && Number(m.offset) < end);
            for (let i = 0; i < messages.length; i += o.batch) {
              const chunk = messages.slice(i, i + o.batch);
              const t0 = performance.now();
              const outputs: Settlement[] = chunk.map((m) => settle(m.value, { partition, offset: Number(m.offset) }));
              const outcomes = await deliverEach(producer, counts, o.output, outputs, (s) =>
                settlementMessage(s, process.pid),
              );
              const failed = outcomes.find((x) => x.error);
              if (failed?.error) {
                clearTimeout(timer);
                reject(
                  new Error(
                    `reference copy: batch of ${chunk.length} from ${o.input}[${partition}] @ offset ${chunk[0]!.offset} failed: ${failed.error.message}`,
                  ),
                );
                return;
              }
              last = performance.now();
              first ||= last;
              batches.push({ records: chunk.length, ms: last - t0, partition });
              await heartbeat();
            }
            if (Number(batch.lastOffset()) + 1 >= end) pending.delete(partition);
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
  }
  return { batches, busyMs: last - first };
}
