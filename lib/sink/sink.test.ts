// The sink end to end on the real broker and database, run as child processes the way lab 03 runs it:
// exactly N rows for N good messages, bad input in the dead-letter topic, redelivery absorbed, a
// SIGKILL mid-run recovered, and two sinks sharing one group.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Kafka } from 'kafkajs';
import type { Config } from '../config.ts';
import { type Db, ensureDatabase, openDb } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { drainTopic } from '../drain.ts';
import { TransactionGenerator } from '../generator/index.ts';
import { createKafka, ensureTopics, withAdmin, withProducer } from '../kafka.ts';
import { seededRng } from '../random.ts';
import { waitUntil } from '../wait.ts';
import { useEngines } from '../testing/engines.ts';
import { isolated } from '../testing/isolation.ts';
import { auditAggregates, auditRows } from './audit.ts';
import { readDlqHeaders } from './dlq.ts';
import { type InputMessage, badMessages, good, interleave } from '../fixtures/messages.ts';
import { waitForCaughtUp } from '../lag.ts';
import { type SinkProcess, spawnSink } from './process.ts';

useEngines('kafka', 'db');

/** A namespace of its own (topic, DLQ, group, database), and N generated transactions to put through it. */
function scenario(name: string, n: number, seed: number, tuning: { batch?: number; concurrency?: number } = {}) {
  const iso = isolated(name, { TRANSACTIONS_PARTITIONS: '4' });
  const c: Config = iso.config;
  const kafka: Kafka = createKafka(`test-${name}`, c);
  const now = Date.now();
  const txs = new TransactionGenerator({ ...c.generator, seed })
    .backfill(n, now - 6 * 3_600_000, now)
    .map((s) => s.event);
  let db: Db | undefined;
  const sinks: SinkProcess[] = [];
  beforeAll(async () => {
    await withAdmin(kafka, (admin) =>
      ensureTopics(admin, [
        { topic: c.topics.transactions, numPartitions: 4 },
        { topic: c.topics.dlq, numPartitions: 1 },
      ]),
    );
    await ensureDatabase(c.db.url);
    db = await openDb(c.db.url, 2);
    await migrate(db);
  });
  afterAll(async () => {
    await Promise.all(sinks.map((s) => s.kill()));
    await db?.pool.end();
    await iso.cleanup();
  });
  return {
    c,
    txs,
    db: () => db!,
    produce: (messages: InputMessage[]) =>
      withProducer(kafka, async (p) => {
        for (let i = 0; i < messages.length; i += 2000)
          await p.send({ topic: c.topics.transactions, acks: -1, messages: messages.slice(i, i + 2000) });
      }),
    sink: (id: string, group?: string) => {
      const s = spawnSink({ id, env: iso.env, batch: tuning.batch ?? 500, concurrency: tuning.concurrency, group });
      sinks.push(s);
      return s;
    },
    rows: async () => (await auditRows(db!.pool)).rows_total,
    /** waits until the group has committed every offset of the topic: all of it is stored */
    caughtUp: (group = c.sink.group) => withAdmin(kafka, (a) => waitForCaughtUp(a, group, c.topics.transactions)),
    kafka,
  };
}

describe('a sink', () => {
  const s = scenario('sink', 3000, 11);
  const bad = badMessages(s.txs[0]!, 3);
  const input = interleave(s.txs.map(good), bad, seededRng(5));

  test('stores N good messages as exactly N rows and sends each bad one to the DLQ with its reason', async () => {
    await s.produce(input);
    const sink = s.sink('sink-a');
    await sink.ready;
    await s.caughtUp();
    expect(await auditRows(s.db().pool)).toEqual({ rows_total: 3000, distinct_ids: 3000 });
    expect((await auditAggregates(s.db().pool)).mismatches).toEqual([]);

    const dead: { reason: string; offset: string; value: string }[] = [];
    await drainTopic(s.kafka, s.c.topics.dlq, bad.length, (m) => {
      const h = readDlqHeaders(m.headers);
      expect(h.topic).toBe(s.c.topics.transactions);
      dead.push({ reason: h.reason, offset: h.offset, value: m.value?.toString() ?? '' });
    });
    expect(dead.map((d) => [d.reason, d.value]).sort()).toEqual(bad.map((b) => [b.bad!, b.value]).sort());
    expect(new Set(dead.map((d) => d.offset)).size).toBe(bad.length);

    expect(await sink.stop()).toBe(0);
    expect(sink.snapshot()).toMatchObject({
      messages: 3009,
      rows_inserted: 3000,
      duplicates: 0,
      dlq: { malformed_json: 3, schema_violation: 3, oversized: 3 },
      retries: 0,
    });
    expect(sink.lines().join('\n')).toContain(
      'stopped: 3,009 messages, 3,000 rows inserted, 0 duplicates, 9 to the DLQ, 0 retries',
    );
  });

  describe('when the whole topic is delivered again (a new group reads it from the start)', () => {
    test('stores nothing new and leaves the aggregates as they were', async () => {
      const group = `${s.c.sink.group}.again`;
      const sink = s.sink('sink-b', group);
      await s.caughtUp(group);
      expect(await sink.stop()).toBe(0);
      expect(sink.snapshot()).toMatchObject({ rows_inserted: 0, duplicates: 3000 });
      expect(await auditRows(s.db().pool)).toEqual({ rows_total: 3000, distinct_ids: 3000 });
      expect((await auditAggregates(s.db().pool)).mismatches).toEqual([]);
    });
  });
});

describe('a sink killed with SIGKILL mid-run', () => {
  // small transactions, one partition at a time: the run lasts seconds even on a fast machine, so the
  // kill always lands mid-run (asserted below)
  const s = scenario('kill', 30_000, 22, { batch: 100, concurrency: 1 });

  test('loses nothing and doubles nothing once restarted', async () => {
    await s.produce(s.txs.map(good));
    const first = s.sink('sink-1');
    const stored = await waitUntil(
      'the first rows',
      async () => {
        const n = await s.rows();
        return n >= 3000 ? n : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    await first.kill();
    const atKill = await s.rows();
    expect(atKill).toBeGreaterThanOrEqual(stored);
    expect(atKill).toBeLessThan(30_000); // it really was mid-run

    s.sink('sink-2');
    await s.caughtUp();
    expect(await auditRows(s.db().pool)).toEqual({ rows_total: 30_000, distinct_ids: 30_000 });
    expect((await auditAggregates(s.db().pool)).mismatches).toEqual([]);
  });
});

describe('two sinks in one group', () => {
  const s = scenario('pair', 20_000, 33);

  test('share the partitions and store the same totals', async () => {
    const [a, b] = [s.sink('sink-a'), s.sink('sink-b')];
    // both members hold partitions before any data arrives
    const split = await waitUntil(
      'both sinks to hold partitions',
      async () => {
        const [pa, pb] = [a.partitions(), b.partitions()];
        return pa.length && pb.length && pa.length + pb.length === 4 ? [pa, pb] : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect([...split[0]!, ...split[1]!].sort()).toEqual([0, 1, 2, 3]);
    await s.produce(s.txs.map(good));
    await s.caughtUp();
    await Promise.all([a.stop(), b.stop()]);
    expect(await auditRows(s.db().pool)).toEqual({ rows_total: 20_000, distinct_ids: 20_000 });
    expect((await auditAggregates(s.db().pool)).mismatches).toEqual([]);
    const [ia, ib] = [a.snapshot()!.rows_inserted, b.snapshot()!.rows_inserted];
    expect(ia + ib).toBe(20_000);
    expect(Math.min(ia, ib)).toBeGreaterThan(0);
  });
});
