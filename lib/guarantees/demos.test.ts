// Kafka transactions as lab 07 shows them, on the real broker: a zombie fenced (and when kafkajs
// fences it), a read_committed reader stalled by an abandoned transaction for about its timeout, and
// the transaction rate against retry.initialRetryTime.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createKafka, ensureTopics, withAdmin } from '../kafka.ts';
import { useEngines } from '../testing/engines.ts';
import { isolated } from '../testing/isolation.ts';
import { demonstrateFencing, measureStall, transactionRate } from './demos.ts';
import { demoTopic, guaranteeTopicSpecs } from './topics.ts';

useEngines('kafka');

const iso = isolated('guarantee_demos');
const c = iso.config;
const kafka = createKafka('test-guarantee-demos', c);
const topic = demoTopic(c);

beforeAll(async () => {
  await withAdmin(kafka, (admin) =>
    ensureTopics(
      admin,
      guaranteeTopicSpecs(c).filter((s) => s.topic === topic),
    ),
  );
});
afterAll(() => iso.cleanup());

describe('a second producer with the same transactional id', () => {
  test('fences the first at its first transaction(), not at connect(); only committed records are read', async () => {
    const f = await demonstrateFencing(kafka, topic, `${c.prefix}.fencing`);
    expect(f.afterConnect).toEqual({ committed: true, error: null });
    expect(f.afterInit.committed).toBe(false);
    expect(f.afterInit.error).toMatch(/INVALID_PRODUCER_EPOCH|PRODUCER_FENCED/);
    expect(f.visible.map((v) => v.split(':')[1])).toEqual(['a1', 'b1']);
  }, 60_000);
});

describe('an abandoned transaction', () => {
  test('hides what follows from read_committed readers for about its timeout, not from read_uncommitted ones', async () => {
    const timeoutMs = 3_000;
    const s = await measureStall(kafka, topic, `${c.prefix}.stall`, { timeoutMs, everyMs: 250 });
    // aborted by the broker after the timeout, at its next check (transaction.abort.timed.out.transaction.cleanup.interval.ms, 10 s)
    expect(s.stallMs).toBeGreaterThanOrEqual(timeoutMs - 500);
    expect(s.stallMs).toBeLessThanOrEqual(timeoutMs + 10_000 + 3_000);
    expect(s.uncommittedMs).toBeLessThan(1_000);
  }, 60_000);
});

describe('the transaction rate', () => {
  test('rises when retry.initialRetryTime falls (the CONCURRENT_TRANSACTIONS backoff)', async () => {
    const slow = await transactionRate(kafka, topic, `${c.prefix}.rate`, 300, 2_000);
    const fast = await transactionRate(kafka, topic, `${c.prefix}.rate`, 20, 2_000);
    expect(slow.transactions).toBeGreaterThan(0);
    expect(fast.perS).toBeGreaterThan(slow.perS * 2);
  }, 60_000);
});
