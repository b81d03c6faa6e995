// What reached the broker during the run: each partition's records between two offsets, in offset
// order (the order the windows process read them in, which is what lateness is judged by).
import type { Kafka, KafkaMessage } from 'kafkajs';
import { withAdmin } from '../../lib/kafka.ts';

export type Offsets = Map<number, number>;

export async function endOffsets(kafka: Kafka, topic: string): Promise<Offsets> {
  const offsets = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

/** Every record of `topic` in [from, to) per partition, in offset order. */
export async function readRange(
  kafka: Kafka,
  topic: string,
  from: Offsets,
  to: Offsets,
  timeoutMs = 60_000,
): Promise<Map<number, KafkaMessage[]>> {
  const out = new Map<number, KafkaMessage[]>([...to.keys()].map((p) => [p, []]));
  const left = () =>
    [...to].filter(
      ([p, high]) => (out.get(p)!.at(-1) ? Number(out.get(p)!.at(-1)!.offset) + 1 : (from.get(p) ?? 0)) < high,
    );
  if (left().length === 0) return out;
  const groupId = `${topic}.readback-${crypto.randomUUID().slice(0, 8)}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`read back ${topic}: partitions ${left().map(([p]) => p)} unfinished after ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const list = out.get(batch.partition);
            if (!list) return;
            const [lo, hi] = [from.get(batch.partition) ?? 0, to.get(batch.partition) ?? 0];
            for (const m of batch.messages) {
              const o = Number(m.offset);
              const last = list.at(-1);
              if (o < lo || o >= hi || (last && o <= Number(last.offset))) continue;
              list.push(m);
            }
            if (left().length === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
      for (const [partition, offset] of from) consumer.seek({ topic, partition, offset: String(offset) });
    });
  } finally {
    await consumer.disconnect();
    await withAdmin(kafka, (admin) => admin.deleteGroups([groupId])).catch(() => {});
  }
  return out;
}
