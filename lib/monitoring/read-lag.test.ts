// The lag exporter's reading on the real Kafka, when a topic it read before is deleted: kafkajs keeps
// that topic in every later metadata request of the same admin and fails them all, so without a second
// read on an admin of its own, every topic read after it would vanish from the lag panels.
import { afterAll, describe, expect, test } from 'bun:test';
import type { Admin } from 'kafkajs';
import { createKafka, withProducer } from '../kafka.ts';
import { useEngines } from '../testing/engines.ts';
import { isolated } from '../testing/isolation.ts';
import { readLag } from './lag-exporter.ts';

useEngines('kafka');

describe('reading every group’s lag', () => {
  const iso = isolated('readlag');
  const kafka = createKafka('readlag-test', iso.config, { retry: { retries: 2, initialRetryTime: 200 } });
  const gone = `${iso.prefix}.gone`;
  const kept = `${iso.prefix}.kept`;
  afterAll(() => iso.cleanup());

  // the race in one reading: a topic read at the start of it, deleted by someone else right after
  test('a topic deleted while the cluster is read leaves out only itself, not the topics read after it', async () => {
    const admin = kafka.admin();
    const other = kafka.admin();
    await Promise.all([admin.connect(), other.connect()]);
    try {
      await other.createTopics({ topics: [{ topic: kept, numPartitions: 2 }], waitForLeaders: true });
      await withProducer(kafka, (p) => p.send({ topic: kept, messages: [{ value: 'a' }, { value: 'b' }] }));
      // deleteTopics returns once the controller has it; the broker's metadata may list the topic a
      // moment longer, and a read in that moment still succeeds on the shared admin
      const deletionSeen = async () => {
        const probe = kafka.admin();
        await probe.connect();
        try {
          const until = Date.now() + 20_000;
          while ((await probe.listTopics()).includes(gone)) {
            if (Date.now() > until) throw new Error(`${gone} still listed 20 s after its deletion`);
            await Bun.sleep(50);
          }
        } finally {
          await probe.disconnect();
        }
      };
      const reading = async (freshAdmin?: () => Admin) => {
        await other.createTopics({ topics: [{ topic: gone, numPartitions: 1 }], waitForLeaders: true });
        let deleted = false;
        // `gone` fills the first round of reads, `kept` is read in the next
        const deletedOnceRead: Admin = {
          ...admin,
          listTopics: async () => [...Array(8).fill(gone), kept],
          fetchTopicOffsets: async (topic: string) => {
            const ends = await admin.fetchTopicOffsets(topic);
            if (topic === gone && !deleted) {
              deleted = true;
              await other.deleteTopics({ topics: [gone] });
              await deletionSeen();
            }
            return ends;
          },
        };
        const s = await readLag(deletedOnceRead, freshAdmin);
        return s.topics.filter((t) => t.topic === kept);
      };

      // the shared admin alone loses the topic read after the deleted one: what the second read is for
      expect(await reading()).toEqual([]);
      const [read] = await reading(() => kafka.admin());
      expect(read?.partitions.reduce((s, p) => s + p.high, 0)).toBe(2);
    } finally {
      await Promise.all([admin.disconnect(), other.disconnect()]);
    }
  }, 60_000);
});
