// Why the pipelines commit through the batch's own commit (step.ts): kafkajs's consumer.commitOffsets
// returns without committing anything once its consumer is no longer running (a broker restart or a stop
// makes it so for a moment), and at most once then writes a batch whose position was never stored. The
// batch's commitOffsetsIfNecessary(offsets) sends the commit whatever the runner's state. On the
// embedded broker, with a topic and group of the test's own.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Admin, Kafka, Offsets } from 'kafkajs';
import { createKafka, createProducer, ensureTopics } from '../kafka.ts';
import { randomName, useEngines } from '../testing/engines.ts';

useEngines('kafka');

describe('a commit made while the consumer is stopping', () => {
  let kafka: Kafka;
  let admin: Admin;
  const topic = randomName('commit_stopping');

  beforeAll(async () => {
    kafka = createKafka('test-commit-stopping');
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ topic, numPartitions: 1 }]);
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });
    await producer.disconnect();
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  /** Reads the first batch, stops the consumer, then commits offset 10 the given way; returns the group's offset. */
  async function commitWhileStopping(how: 'consumer.commitOffsets' | 'the batch'): Promise<string> {
    const groupId = `${topic}.${how === 'the batch' ? 'batch' : 'consumer'}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let done: () => void = () => {};
    const committed = new Promise<void>((resolve) => (done = resolve));
    let error: unknown;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ commitOffsetsIfNecessary, isRunning }) => {
        const stopping = consumer.stop(); // resolves once this batch returns
        while (isRunning()) await Bun.sleep(5);
        try {
          if (how === 'the batch')
            await commitOffsetsIfNecessary({
              topics: [{ topic, partitions: [{ partition: 0, offset: '10' }] }],
            } as Offsets);
          else await consumer.commitOffsets([{ topic, partition: 0, offset: '10' }]);
        } catch (e) {
          error = e;
        }
        done();
        void stopping;
      },
    });
    await committed;
    await consumer.disconnect();
    expect(error).toBeUndefined(); // neither way complained
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets!.partitions[0]!.offset;
  }

  test('consumer.commitOffsets resolves, and commits nothing', async () => {
    expect(await commitWhileStopping('consumer.commitOffsets')).toBe('-1');
  });

  test("the batch's commitOffsetsIfNecessary(offsets) commits", async () => {
    expect(await commitWhileStopping('the batch')).toBe('10');
  });
});
