// Reads a topic with a throwaway consumer group until `expected` records have arrived (or a deadline
// passes): how labs and tests check what actually reached the broker. From the beginning, or, given a
// range, only each partition's records in [from, to) (`drainRange`).
import type { Kafka, KafkaMessage } from 'kafkajs';
import { withAdmin } from './kafka.ts';

export async function drainTopic(
  kafka: Kafka,
  topic: string,
  expected: number,
  each: (message: KafkaMessage, partition: number) => void,
  timeoutMs = 60_000,
  range?: { from: Offsets; to: Offsets },
): Promise<number> {
  // a throwaway group in the topic's namespace (a prefixed topic's group is cleaned up with it)
  const groupId = `${topic}.drain-${crypto.randomUUID().slice(0, 8)}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  let seen = 0;
  const last = new Map<number, number>();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`drain ${topic}: read ${seen} of ${expected} records in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const finish = () => {
        clearTimeout(timer);
        resolve();
      };
      if (expected === 0) return finish();
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const [lo, hi] = [range?.from.get(batch.partition) ?? 0, range?.to.get(batch.partition) ?? Infinity];
            for (const m of batch.messages) {
              const o = Number(m.offset);
              if (o < lo || o >= hi) continue; // before the seek took effect, or written after `to`
              if (o <= (last.get(batch.partition) ?? -1)) continue; // read again after a seek: once is enough
              last.set(batch.partition, o);
              each(m, batch.partition);
              if (++seen === expected) finish();
            }
          },
        })
        .catch(reject);
      for (const [partition, offset] of range?.from ?? []) consumer.seek({ topic, partition, offset: String(offset) });
    });
  } finally {
    await consumer.disconnect();
    // it commits nothing, but the broker remembers the empty group until it expires: remove it now
    await withAdmin(kafka, (admin) => admin.deleteGroups([groupId])).catch(() => {});
  }
  return seen;
}

/** Offsets per partition. */
export type Offsets = Map<number, number>;

/** Every partition's end offset now: where a range read later starts, or ends. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Offsets> {
  const offsets = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

/** Every record of `topic` in [from, to) per partition, in offset order. */
export async function drainRange(
  kafka: Kafka,
  topic: string,
  from: Offsets,
  to: Offsets,
  timeoutMs = 60_000,
): Promise<Map<number, KafkaMessage[]>> {
  const out = new Map<number, KafkaMessage[]>([...to.keys()].map((p) => [p, []]));
  const expected = [...to].reduce((n, [p, high]) => n + Math.max(0, high - (from.get(p) ?? 0)), 0);
  await drainTopic(kafka, topic, expected, (m, p) => out.get(p)?.push(m), timeoutMs, { from, to });
  return out;
}
