// A send larger than the broker's message.max.bytes (~1 MiB): one send() per partition with every record
// in it is refused (MESSAGE_TOO_LARGE, what stopped the windows process once a flush held ~20,000
// customers' results), and sendBySize delivers the same records in slices, all of them, each partition's
// in the order given. On the embedded broker, with a topic of the test's own.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import { drainTopic } from './drain.ts';
import { createKafka, createProducer, ensureTopics } from './kafka.ts';
import { PartitionCounts, REQUEST_BYTES, bySize, sendBySize, sendPerPartition } from './send.ts';
import { randomName, useEngines } from './testing/engines.ts';

useEngines('kafka');

describe('sends past the broker’s request limit', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const refused = randomName('send_size_refused');
  const topic = randomName('send_size');
  // 3,000 records of ~1 KiB on 2 partitions: ~1.5 MiB per partition, over the broker's 1 MiB
  const messages: Message[] = Array.from({ length: 3_000 }, (_, i) => ({
    key: `k${i % 40}`,
    value: JSON.stringify({ seq: i, pad: 'x'.repeat(1_000) }),
  }));

  beforeAll(async () => {
    kafka = createKafka('test-send-size');
    admin = kafka.admin();
    producer = createProducer(kafka);
    await Promise.all([admin.connect(), producer.connect()]);
    await ensureTopics(admin, [
      { topic: refused, numPartitions: 2 },
      { topic, numPartitions: 2 },
    ]);
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [refused, topic] }).catch(() => {});
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  test('one send per partition with everything in it is refused by the broker', async () => {
    const err = await sendPerPartition(producer, new PartitionCounts(kafka), { topic: refused, messages }).then(
      () => undefined,
      (e: Error & { type?: string }) => e,
    );
    expect(err?.type).toBe('MESSAGE_TOO_LARGE');
  });

  test('sendBySize delivers every record, each partition in the order given, in requests under the limit', async () => {
    expect(bySize(messages).length).toBeGreaterThan(10);
    const meta = await sendBySize(producer, new PartitionCounts(kafka), { topic, messages });
    expect(meta.length).toBeGreaterThan(0);
    const seen: { partition: number; seq: number }[] = [];
    await drainTopic(kafka, topic, messages.length, (m, partition) =>
      seen.push({ partition, seq: JSON.parse(m.value!.toString()).seq }),
    );
    const sent = seen;
    expect(sent.length).toBe(messages.length);
    expect(new Set(sent.map((s) => s.seq)).size).toBe(messages.length);
    for (const p of [0, 1]) {
      const seqs = sent.filter((s) => s.partition === p).map((s) => s.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    expect(REQUEST_BYTES).toBeLessThan(1 << 20);
  });
});
