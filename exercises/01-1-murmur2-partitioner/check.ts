// Check of exercise 01-1: first Kafka's own test vectors for murmur2 (UtilsTest.testMurmur2), then
// the broker: 320 keys (customer ids, short keys that end in every tail length, non-ASCII and long
// ones) produced by kafkajs's DefaultPartitioner, not txlab's, to a 6-partition topic of the check's
// own and read back; your partitionFor must name, for every key, the partition the broker holds it on.
import { logLevel } from 'kafkajs';
import { config } from '../../lib/config.ts';
import { drainTopic } from '../../lib/drain.ts';
import { type CheckResult, compareKeyed, defineExercise } from '../../lib/exercises/define.ts';
import { createKafka, createProducer, ensureTopics, waitForTopic, withAdmin } from '../../lib/kafka.ts';
import { seededRng, uuid4 } from '../../lib/random.ts';

type Impl = typeof import('./solution.ts');

const PARTITIONS = 6;

/** org.apache.kafka.common.utils.UtilsTest.testMurmur2: the Java client's values for these strings' bytes. */
const VECTORS: [string, number][] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

/** The keys placed on the broker: 300 customers, every tail length, multi-byte UTF-8, long ones. */
function keys(): string[] {
  const rng = seededRng(11);
  return [
    ...Array.from({ length: 300 }, (_, i) => `cust_${i + 1}`),
    ...['a', 'ab', 'abc', 'abcd', 'abcde', 'abcdef', 'abcdefg', 'merch_1', 'merch_42'],
    ...['تهران', 'مشهد-7', 'café', 'Łódź', '💳 4111', 'naïve-key-ü'],
    ...Array.from({ length: 4 }, () => uuid4(rng)),
    'k'.repeat(101),
  ];
}

export default defineExercise<Impl>({
  id: '01-1-murmur2-partitioner',
  title: "Kafka's default partitioner: murmur2, byte for byte",
  teaches:
    "how a keyed record's partition is chosen (murmur2 of the key bytes, sign bit cleared, mod partitions) and why every client must hash exactly as the Java one",
  minutes: 20,
  engines: ['kafka'],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ murmur2, partitionFor }): Promise<CheckResult> {
    // 1. the Java client's own test vectors
    const enc = new TextEncoder();
    const vectors = compareKeyed(
      new Map(VECTORS.map(([s, h]) => [`murmur2("${s}")`, h])),
      new Map(VECTORS.map(([s]) => [`murmur2("${s}")`, murmur2(enc.encode(s))])),
      String,
    );

    // 2. where the broker holds keyed records a real partitioner placed
    const placed = await placeOnBroker(keys());
    const expected = new Map([...placed].map(([k, ps]) => [k, ps.join(',')]));
    const got = new Map([...placed.keys()].map((k) => [k, String(partitionFor(k, PARTITIONS))]));
    const onBroker = compareKeyed(expected, got, (p) => `partition ${p}`);
    return {
      ok: vectors.ok && onBroker.ok,
      lines: [
        `Kafka's test vectors (UtilsTest.testMurmur2): ${vectors.lines[0]}`,
        ...vectors.lines.slice(1),
        `${placed.size} keys produced by kafkajs's DefaultPartitioner to ${PARTITIONS} partitions, read back from the broker: ${onBroker.lines[0]}`,
        ...onBroker.lines
          .slice(1)
          .map((l) => l.replace(': expected', ': the broker holds it on').replace(', got', ', your partitionFor says')),
      ],
    };
  },
});

/** Each key produced twice (its own send, kafkajs's DefaultPartitioner choosing), then read back: key → partitions it is on. */
async function placeOnBroker(ks: string[]): Promise<Map<string, number[]>> {
  const kafka = createKafka('exercise-01-1', config(), { logLevel: logLevel.ERROR });
  const topic = `exercise.01-1.${crypto.randomUUID().slice(0, 8)}`;
  await withAdmin(kafka, async (admin) => {
    await ensureTopics(admin, [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }]);
    await waitForTopic(admin, topic);
  });
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    let next = 0;
    const sender = async () => {
      // one key per send(): one partition per request, whatever the partitioner says
      for (let i = next++; i < ks.length; i = next++)
        await producer.send({ topic, acks: -1, messages: [0, 1].map((n) => ({ key: ks[i]!, value: String(n) })) });
    };
    await Promise.all(Array.from({ length: 16 }, sender));
    const seen = new Map<string, Set<number>>(ks.map((k) => [k, new Set()]));
    await drainTopic(kafka, topic, ks.length * 2, (m, p) => seen.get(m.key!.toString('utf8'))?.add(p));
    return new Map([...seen].map(([k, ps]) => [k, [...ps].sort((a, b) => a - b)]));
  } finally {
    await producer.disconnect();
    await withAdmin(kafka, (admin) => admin.deleteTopics({ topics: [topic] })).catch(() => {});
  }
}
