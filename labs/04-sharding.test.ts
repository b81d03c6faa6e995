import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, withDb } from '../lib/db/connect.ts';
import { lab04DatabaseUrl } from './04-sharding/database.ts';
import { dropSpiderServers } from './04-sharding/spider.ts';
import { freePorts } from '../lib/ports.ts';
import { Lab04Result } from '../lib/results/lab04.ts';
import { expectNotebookRenders } from '../lib/testing/browser-check.ts';
import { databaseUrlWithPassword } from '../lib/testing/database.ts';
import { useEngines } from '../lib/testing/engines.ts';
import { isolated } from '../lib/testing/isolation.ts';
import { checkRun, runLabProcess } from '../lib/testing/run-lab.ts';

useEngines('db');

describe('lab 04', () => {
  // the leaves get free ports and a data directory of their own (DATABASE_URL is set, so the
  // stack treats the database as external and never starts anything under this stack dir)
  const iso = isolated('lab04', { TXLAB_STACK_DIR: mkdtempSync(join(tmpdir(), 'txlab-lab04-')) });
  const env = iso.env;
  const args = ['--rows', '20000', '--reps', '5', '--budget', '0.1', '--leaf-rows', '5000'];
  const result = (dataDir: string) =>
    Lab04Result.parse(JSON.parse(readFileSync(join(dataDir, '04-sharding.json'), 'utf8')));
  beforeAll(async () => {
    env.DATABASE_URL = databaseUrlWithPassword(); // once the preload has started the stack (and made the password)
    args.push('--leaf-ports', (await freePorts(2)).join(','));
  });
  let lastRun: string | undefined;
  afterAll(async () => {
    // the lab's own database (beside the namespace's), and the Spider servers named after it
    const own = lab04DatabaseUrl(iso.config.db.url);
    await withDb(own, (db) => dropSpiderServers(db, 2)).catch(() => {});
    await dropDatabase(own).catch(() => {});
    await iso.cleanup();
    rmSync(env.TXLAB_STACK_DIR!, { recursive: true, force: true });
  });

  test('loads the rows, shows their spread, prunes the per-customer query only, and answers alike every way', async () => {
    const run = await runLabProcess('labs/04-sharding.ts', args, env);
    await checkRun(run, async () => {
      expect(run.code).toBe(0);
      lastRun = run.dataDir;
      const r = result(run.dataDir);
      await expectNotebookRenders('04-sharding', run.dataDir);
      expect(r.metrics.load).toMatchObject({ mode: 'loaded', inserted: 20_000, skipped: 0, table_rows: 20_000 });
      expect(r.parameters.database).toEndWith(`/txlab_${iso.prefix}_lab04`);
      // the 5-minute window holds the load's rows only: 20,000 over 7 days put a handful there
      expect(r.metrics.load.window_rows!.last_5_min).toBeLessThan(50);
      expect(r.samples.partition_rows.map((p) => p.partition)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
      expect(r.samples.partition_rows.reduce((s, p) => s + p.rows, 0)).toBe(20_000);
      expect(r.samples.key_spread.map((s) => s.partitions)).toEqual([7, 8, 11, 16]);

      const byName = Object.fromEntries(r.metrics.queries.map((q) => [q.query, q]));
      expect(byName.customer_recent).toMatchObject({ pruned: true, partitions_read: 1, partitions_total: 7 });
      for (const q of ['totals_5_min', 'category_hourly_revenue', 'top_merchants', 'large_transactions'])
        expect(byName[q]).toMatchObject({ pruned: false, partitions_read: 7 });
      expect(r.metrics.queries.flatMap((q) => q.variants.map((v) => v.variant)).sort()).toEqual(
        [...Array(5).fill('indexed'), ...Array(5).fill('no_index'), ...Array(3).fill('aggregate')].sort(),
      );
      for (const q of r.metrics.queries)
        for (const v of q.variants)
          expect({ q: q.query, v: v.variant, same: v.same_answer ?? true, n: v.latency_ms.count >= 5 }).toEqual({
            q: q.query,
            v: v.variant,
            same: true,
            n: true,
          });
      expect(byName.totals_5_min!.variants.find((v) => v.variant === 'indexed')!.rows).toBe(1);
    });
  });

  test('spreads a sample over two leaf servers behind a Spider table: a customer reaches one leaf, a time window both', () => {
    const r = result(lastRun!);
    expect(r.metrics.spider).not.toBeNull();
    const spider = r.metrics.spider!;
    expect(spider.leaves.map((l) => l.leaf)).toEqual(['leaf1', 'leaf2']);
    expect(spider.rows).toBe(5000);
    expect(Math.min(...spider.leaves.map((l) => l.rows))).toBeGreaterThan(0);
    const reached = Object.fromEntries(
      spider.queries.map((q) => [q.query, q.selects_per_leaf.filter((n) => n > 0).length]),
    );
    expect(reached).toEqual({ customer_recent: 1, totals_5_min: 2, category_hourly_revenue: 2 });
  });

  test('a rerun reuses the load', async () => {
    const run = await runLabProcess('labs/04-sharding.ts', args, env);
    expect(run.code).toBe(0);
    expect(result(run.dataDir).metrics.load).toMatchObject({ mode: 'reused', inserted: 0, table_rows: 20_000 });
    expect(run.stdout).toContain('reusing the 20,000 rows loaded earlier');
  });
});
