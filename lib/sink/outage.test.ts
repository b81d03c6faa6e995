// The database goes away mid-run (killed like a crash) and comes back: the sink pauses, retries with
// backoff and says so, then resumes, and every transaction is stored exactly once. The database is a
// throwaway server of this test's own, so the shared one is never disturbed.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { loadConfig } from '../config.ts';
import { ensureDatabase, openDb } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { TransactionGenerator } from '../generator/index.ts';
import { createKafka, ensureTopics, withAdmin, withProducer } from '../kafka.ts';
import { PartitionCounts, sendPerPartition } from '../send.ts';
import { waitUntil } from '../wait.ts';
import { useEngines } from '../testing/engines.ts';
import { isolated } from '../testing/isolation.ts';
import { type ThrowawayMariadb, throwawayMariadb } from '../testing/mariadb.ts';
import { auditAggregates, auditRows } from './audit.ts';
import { good } from '../fixtures/messages.ts';
import { waitForCaughtUp } from '../lag.ts';
import { type SinkProcess, spawnSink } from './process.ts';

useEngines('kafka');

describe('when the database is killed mid-run and restarted', () => {
  let server: ThrowawayMariadb;
  let sink: SinkProcess | undefined;
  const N = 20_000;
  const iso = isolated('outage', { TRANSACTIONS_PARTITIONS: '4' });
  const env = iso.env;

  beforeAll(async () => {
    server = await throwawayMariadb();
    await server.start();
    env.DATABASE_URL = server.url('txlab');
  }, 60_000);
  afterAll(async () => {
    await sink?.kill();
    await server?.kill();
    server?.remove();
    await iso.cleanup();
  });

  test('the sink retries until it is back, then stores every transaction exactly once', async () => {
    const c = loadConfig(env);
    const kafka = createKafka('test-outage', c);
    await withAdmin(kafka, (admin) =>
      ensureTopics(admin, [
        { topic: c.topics.transactions, numPartitions: 4 },
        { topic: c.topics.dlq, numPartitions: 1 },
      ]),
    );
    const now = Date.now();
    const txs = new TransactionGenerator({ ...c.generator, seed: 44 })
      .backfill(N, now - 3_600_000, now)
      .map((s) => s.event);
    await withProducer(kafka, async (p) => {
      const counts = new PartitionCounts(kafka);
      for (let i = 0; i < N; i += 2000)
        await sendPerPartition(p, counts, { topic: c.topics.transactions, messages: txs.slice(i, i + 2000).map(good) });
    });

    sink = spawnSink({ id: 'sink-outage', env, batch: 100, concurrency: 1 }); // slow enough that the kill lands mid-run
    await ensureDatabase(c.db.url);
    const db = await openDb(c.db.url, 1);
    await migrate(db);
    await waitUntil('the first rows', async () => ((await auditRows(db.pool)).rows_total >= 2000 ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 20,
    });
    await db.pool.end();

    // 1. crash the database mid-run: the sink must log its retries, not die, not skip
    await server.kill();
    await waitUntil(
      'a retry line',
      async () =>
        sink!
          .lines()
          .some((l) =>
            /^sink-outage: batch of \d+ from .+\[\d\] @ offset \d+ failed: .+ \(retry 2, next in 800 ms\)$/.test(l),
          )
          ? true
          : undefined,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(sink.running()).toBe(true);

    // 2. bring it back: the sink resumes by itself
    await server.start();
    await withAdmin(kafka, (a) => waitForCaughtUp(a, c.sink.group, c.topics.transactions, { timeoutMs: 90_000 }));
    expect(sink.lines().some((l) => / succeeded after \d+ retries/.test(l))).toBe(true);

    const after = await openDb(c.db.url, 1);
    try {
      expect(await auditRows(after.pool)).toEqual({ rows_total: N, distinct_ids: N });
      expect((await auditAggregates(after.pool)).mismatches).toEqual([]);
    } finally {
      await after.pool.end();
    }
    expect(await sink.stop()).toBe(0);
  }, 150_000);
});
