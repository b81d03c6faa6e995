// Check of exercise 01-2: 14,000 seeded transactions of a merchant-heavy stream (merch_1 about 30 %,
// merch_2 about 14 %, 298 small merchants share the rest); your key function sees the first 2,000 and
// keys the next 12,000, which go through a 6-partition Kafka topic of the check's own. Each partition's
// share is measured exactly from the broker's offsets (no partition above 1.2 × the mean), and the
// records read back must keep every (merchant, customer) pair, and every merchant under 5 %, on one partition.
import { config } from '../../lib/config.ts';
import { drainTopic } from '../../lib/drain.ts';
import { type CheckResult, defineExercise } from '../../lib/exercises/define.ts';
import { TransactionGenerator } from '../../lib/generator/index.ts';
import { createKafka, createProducer, ensureTopics, waitForTopic, withAdmin } from '../../lib/kafka.ts';
import { seededRng, uniform, weighted } from '../../lib/random.ts';
import type { Transaction } from '../../lib/schema.ts';
import { PartitionCounts, sendPerPartition } from '../../lib/send.ts';

type Impl = typeof import('./solution.ts');

const T0 = Date.parse('2026-01-15T10:00:00.000Z');
const PARTITIONS = 6;
const MAX_SKEW = 1.2;
const WHOLE_BELOW = 0.05;

/** The seeded stream: the generator's transactions, each with a merchant drawn from a skewed table. */
function skewedStream(): Transaction[] {
  const gen = new TransactionGenerator({
    seed: 12,
    customerCount: 2_000,
    merchantCount: 300,
    fraudRate: 0,
    declinedRate: 0.05,
    peakFactor: 1,
  });
  const rng = seededRng(12);
  const [first, second, ...small] = gen.world.merchants;
  const weights = small.map((m) => [m, uniform(rng, 0.5, 1.5)] as const);
  const rest = weights.reduce((s, [, w]) => s + w, 0);
  const table = [
    [first!, 30] as const,
    [second!, 14] as const,
    ...weights.map(([m, w]) => [m, (w / rest) * 56] as const),
  ];
  return [...gen.stream(T0, 100, { maxEvents: 14_000 })].map(({ event }) => {
    const m = weighted(rng, table);
    return { ...event, merchant_id: m.id, merchant_category: m.category };
  });
}

export default defineExercise<Impl>({
  id: '01-2-hot-partition',
  title: 'A hot merchant: a key that spreads it and keeps the rest whole',
  teaches:
    'why a skewed key makes one partition hot, that more partitions cannot split a key, and how to salt only the heavy keys while keeping the per-key guarantees the consumers need',
  minutes: 20,
  engines: ['kafka'],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ keyFunction }): Promise<CheckResult> {
    const all = skewedStream();
    const sample = all.slice(0, 2_000);
    const stream = all.slice(2_000);
    const key = keyFunction(sample, PARTITIONS);
    const keyed = stream.map((e) => ({ e, key: key(e) }));
    const bad = keyed.find((k) => typeof k.key !== 'string' || k.key.length === 0);
    if (bad)
      return {
        ok: false,
        lines: [`the key of ${bad.e.transaction_id} is ${JSON.stringify(bad.key)}: expected a non-empty string`],
      };

    const { offsets, records } = await throughTopic(keyed);

    // 1. each partition's share, exactly, from the broker's offsets
    const mean = stream.length / PARTITIONS;
    const skew = Math.max(...offsets) / mean;
    const hottest = offsets.indexOf(Math.max(...offsets));
    const lines = [
      `${stream.length} events keyed by your function, per partition from the broker's offsets: ${offsets.join(' ')} (mean ${mean}; max/mean ${skew.toFixed(3)}, at most ${MAX_SKEW})`,
    ];
    const skewOk = skew <= MAX_SKEW && offsets.reduce((a, b) => a + b, 0) === stream.length;
    if (!skewOk) {
      const on = new Map<string, number>();
      for (const r of records) if (r.partition === hottest) on.set(r.merchant, (on.get(r.merchant) ?? 0) + 1);
      const top = [...on].sort((a, b) => b[1] - a[1]).slice(0, 3);
      lines.push(
        `  partition ${hottest} is hot: ${offsets[hottest]} records, ${((offsets[hottest]! / mean - 1) * 100).toFixed(0)} % above the mean; most of them from ${top.map(([m, n]) => `${m} (${n})`).join(', ')}`,
      );
    }

    // 2. every (merchant, customer) pair on one partition
    const pairs = spread(records, (r) => `${r.merchant}/${r.customer}`);
    const splitPairs = [...pairs].filter(([, ps]) => ps.size > 1);
    lines.push(`(merchant, customer) pairs on one partition: ${pairs.size - splitPairs.length} of ${pairs.size}`);
    for (const [pair, ps] of splitPairs.slice(0, 3))
      lines.push(`  ${pair} is on partitions ${[...ps].sort().join(',')}: its events can be read out of order`);

    // 3. every merchant under 5 % of the stream whole, on one partition
    const share = new Map<string, number>();
    for (const e of stream) share.set(e.merchant_id, (share.get(e.merchant_id) ?? 0) + 1 / stream.length);
    const merchants = spread(records, (r) => r.merchant);
    const small = [...merchants].filter(([m]) => share.get(m)! < WHOLE_BELOW);
    const splitSmall = small.filter(([, ps]) => ps.size > 1);
    lines.push(
      `merchants under ${WHOLE_BELOW * 100} % of the stream on one partition: ${small.length - splitSmall.length} of ${small.length}`,
    );
    for (const [m, ps] of splitSmall.slice(0, 3))
      lines.push(
        `  ${m} (${(share.get(m)! * 100).toFixed(2)} % of the stream) is on ${ps.size} partitions: its aggregate needs a merge`,
      );

    return { ok: skewOk && splitPairs.length === 0 && splitSmall.length === 0, lines };
  },
});

type Stored = { partition: number; merchant: string; customer: string };

const spread = (records: Stored[], by: (r: Stored) => string) => {
  const out = new Map<string, Set<number>>();
  for (const r of records) {
    const k = by(r);
    const s = out.get(k) ?? new Set<number>();
    s.add(r.partition);
    out.set(k, s);
  }
  return out;
};

/** Sends the keyed events to a topic of their own; returns each partition's high watermark and what it holds. */
async function throughTopic(keyed: { e: Transaction; key: string }[]) {
  const kafka = createKafka('exercise-01-2', config());
  const topic = `exercise.01-2.${crypto.randomUUID().slice(0, 8)}`;
  await withAdmin(kafka, async (admin) => {
    await ensureTopics(admin, [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }]);
    await waitForTopic(admin, topic);
  });
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    const counts = new PartitionCounts(kafka);
    for (let i = 0; i < keyed.length; i += 1_000) {
      const messages = keyed.slice(i, i + 1_000).map(({ e, key }) => ({ key, value: JSON.stringify(e) }));
      await sendPerPartition(producer, counts, { topic, messages });
    }
    // an idempotent producer outside a transaction writes no control records: the high watermark is the count
    const offsets = (await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic)))
      .sort((a, b) => a.partition - b.partition)
      .map((o) => Number(o.high));
    const records: Stored[] = [];
    await drainTopic(kafka, topic, keyed.length, (m, partition) => {
      const e = JSON.parse(m.value!.toString()) as Transaction;
      records.push({ partition, merchant: e.merchant_id, customer: e.customer_id });
    });
    return { offsets, records };
  } finally {
    await producer.disconnect();
    await withAdmin(kafka, (admin) => admin.deleteTopics({ topics: [topic] })).catch(() => {});
  }
}
