// A check's input on the real broker: seeded events sent, in order, to a topic of the check's own,
// then read back as each partition holds them (offset order) — the input a consumer would see. The
// topic is deleted afterwards.
import { createKafka, createProducer, ensureTopics, waitForTopic, withAdmin } from '../kafka.ts';
import { drainTopic } from '../drain.ts';
import { PartitionCounts, sendPerPartition } from '../send.ts';
import type { Transaction } from '../schema.ts';

export async function throughTopic(
  name: string,
  events: readonly Transaction[],
  partitions: number,
): Promise<Map<number, Transaction[]>> {
  const kafka = createKafka(`exercise-${name}`);
  const topic = `exercise.${name}.${crypto.randomUUID().slice(0, 8)}`;
  await withAdmin(kafka, async (admin) => {
    await ensureTopics(admin, [{ topic, numPartitions: partitions, replicationFactor: 1 }]);
    await waitForTopic(admin, topic);
  });
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    const counts = new PartitionCounts(kafka);
    // one request after another: each partition keeps the order the events were sent in
    for (let i = 0; i < events.length; i += 500) {
      const messages = events.slice(i, i + 500).map((e) => ({ key: e.customer_id, value: JSON.stringify(e) }));
      await sendPerPartition(producer, counts, { topic, messages });
    }
    const out = new Map<number, Transaction[]>(Array.from({ length: partitions }, (_, p) => [p, []]));
    await drainTopic(kafka, topic, events.length, (m, p) => out.get(p)!.push(JSON.parse(m.value!.toString())));
    return out;
  } finally {
    await producer.disconnect();
    await withAdmin(kafka, (admin) => admin.deleteTopics({ topics: [topic] })).catch(() => {});
  }
}
