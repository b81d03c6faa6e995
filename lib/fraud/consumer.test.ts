// The fraud consumer on a real topic: rules in the stream, a review per risky transaction, and a
// redelivered message that does not start a second review.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { purchase } from '../fixtures/fraud.ts';
import { createKafka, ensureTopics, waitForTopic, withAdmin } from '../kafka.ts';
import { waitForCaughtUp } from '../lag.ts';
import { waitUntil } from '../wait.ts';
import type { Transaction } from '../schema.ts';
import { useEngines } from '../testing/engines.ts';
import { type ConsumerStats, runFraudConsumer } from './consumer.ts';
import { RiskEngine, engineOptions } from './detect/engine.ts';
import { ReviewLauncher } from './review/launcher.ts';
import { policyFrom } from './detect/policy.ts';
import { type FraudTestEnv, setupFraudTestEnv, startTestWorker } from './review/testing.ts';

useEngines('kafka', 'db', 'temporal');

let t: FraudTestEnv;
let worker: Awaited<ReturnType<typeof startTestWorker>>;

let topic: string;

beforeAll(async () => {
  t = await setupFraudTestEnv();
  topic = t.config.topics.transactions;
  worker = await startTestWorker(t);
  await withAdmin(t.kafka, async (admin) => {
    await ensureTopics(admin, [{ topic, numPartitions: 2 }]);
    await waitForTopic(admin, topic);
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await t?.cleanup();
});

describe('fraud consumer', () => {
  test('reviews the risky transactions of a burst once each, even when one is delivered twice', async () => {
    // five purchases in four seconds, happening now: the fifth trips the velocity rule
    const start = Date.now() - 5_000;
    const burst = [0, 1, 2, 3, 4].map((s) => ({
      ...purchase({ customer: 'cust_301' }),
      timestamp: new Date(start + s * 1000).toISOString(),
    }));
    const old = { ...purchase({ customer: 'cust_302' }), timestamp: new Date(start - 3_600_000).toISOString() }; // an hour old
    const oldBurst = [0, 1, 2, 3, 4].map((s) => ({
      ...old,
      transaction_id: crypto.randomUUID(),
      timestamp: new Date(Date.parse(old.timestamp) + s * 1000).toISOString(),
    }));
    const send = (txs: Transaction[]) =>
      t.producer.send({
        topic,
        acks: -1,
        messages: txs.map((tx) => ({ key: tx.customer_id, value: JSON.stringify(tx) })),
      });
    await send([...burst, burst[4]!, ...oldBurst]); // the fifth twice: a redelivery
    await t.producer.send({ topic, messages: [{ key: 'cust_303', value: '{"not": "a transaction"}' }] });

    const launcher = new ReviewLauncher(t.client, { ...t.target, maxInFlight: 4 });
    const group = t.config.fraud.group;
    const consumer = createKafka('test-fraud-consumer', t.config).consumer({ groupId: group, maxWaitTimeInMs: 200 });
    await consumer.connect();
    let stats: ConsumerStats | undefined;
    try {
      stats = await runFraudConsumer({
        consumer,
        topic,
        engine: new RiskEngine(engineOptions()),
        launcher,
        policy: policyFrom(undefined, { hold_timeout_ms: 1_000 }),
        maxEventAgeMs: 300_000,
        fromBeginning: true,
      });
      await waitUntil('all 12 messages', async () => (stats!.consumed === 12 ? true : undefined), {
        timeoutMs: 30_000,
      });
      expect(await launcher.drain(30_000)).toBe(0);
      // offsets are committed after the reviews started: the group reaches the end of both partitions
      // (kafkajs commits after the batch returns, so the last commit may trail the last message a little)
      await withAdmin(t.kafka, (admin) => waitForCaughtUp(admin, group, topic, { timeoutMs: 10_000, intervalMs: 100 }));
      const committed = await withAdmin(t.kafka, (admin) => admin.fetchOffsets({ groupId: group, topics: [topic] }));
      expect(committed[0]!.partitions.reduce((s, p) => s + Number(p.offset), 0)).toBe(12);
    } finally {
      await consumer.disconnect();
    }
    expect(stats).toEqual({ consumed: 12, invalid: 1, risky: 3, stale: 1, reviewed: 2, dropped_on_rebalance: 0 });
    expect(launcher.stats).toMatchObject({ started: 1, duplicates: 1, completed: 1, failed: 0, inFlight: 0 });
    const v = await t.verdicts.get(burst[4]!.transaction_id);
    expect(v).toMatchObject({ verdict: 'decline', decided_by: 'timeout', rules: ['velocity'] });
  });
});
