// Reads a topic from the beginning with a throwaway consumer group until `expected` records have
// arrived (or a deadline passes): how labs and tests check what actually reached the broker.
import type { Kafka, KafkaMessage } from 'kafkajs';
import { withAdmin } from './kafka.ts';

export async function drainTopic(
  kafka: Kafka,
  topic: string,
  expected: number,
  each: (message: KafkaMessage, partition: number) => void,
  timeoutMs = 60_000,
): Promise<number> {
  // a throwaway group in the topic's namespace (a prefixed topic's group is cleaned up with it)
  const groupId = `${topic}.drain-${crypto.randomUUID().slice(0, 8)}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  let seen = 0;
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
            for (const m of batch.messages) {
              each(m, batch.partition);
              if (++seen === expected) finish();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    // it commits nothing, but the broker remembers the empty group until it expires: remove it now
    await withAdmin(kafka, (admin) => admin.deleteGroups([groupId])).catch(() => {});
  }
  return seen;
}
