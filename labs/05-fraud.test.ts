import { afterAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { withDb } from '../lib/db/connect.ts';
import { Lab05Result } from '../lib/results/lab05.ts';
import { useEngines } from '../lib/testing/engines.ts';
import { isolated } from '../lib/testing/isolation.ts';
import { runLabProcess } from '../lib/testing/run-lab.ts';

useEngines('kafka', 'db', 'temporal');

const { env, config: c, cleanup } = isolated('lab05', { TRANSACTIONS_PARTITIONS: '2' });
afterAll(cleanup);

describe('lab 05', () => {
  test('reviews the risky transactions through a worker crash: all finish, none twice, scored against the labels', async () => {
    const args = [
      '--duration',
      '12',
      '--rate',
      '20',
      '--fraud-rate',
      '0.2',
      '--customers',
      '300',
      '--history',
      '3000',
      '--hold-timeout',
      '3',
      '--kill-at',
      '4',
      '--down',
      '1',
    ];
    const run = await runLabProcess('labs/05-fraud.ts', args, env);
    expect(run.stderr).not.toContain('failed');
    expect(run.code).toBe(0);
    const r = Lab05Result.parse(JSON.parse(readFileSync(join(run.dataDir, '05-fraud.json'), 'utf8')));
    const m = r.metrics;

    // every review started finished, with a verdict stored for it, and none started twice
    expect(m.reviews.started).toBeGreaterThan(0);
    expect(m.reviews).toMatchObject({ completed: m.reviews.started, failed: 0, pending: 0 });
    expect(r.samples.reviews.every((x) => x.verdict === 'approve' || x.verdict === 'decline')).toBe(true);
    const stored = await withDb(c.db.url, async ({ pool }) => {
      const [rows] = await pool.query<RowDataPacket[]>(
        `SELECT verdict, COUNT(*) AS n FROM ${c.fraud.tables.verdicts} GROUP BY verdict`,
      );
      return Object.fromEntries(rows.map((row) => [row.verdict, Number(row.n)]));
    });
    expect(stored).toEqual(Object.fromEntries(Object.entries(m.verdicts.by_verdict).filter(([, n]) => n > 0)));
    expect((stored.approve ?? 0) + (stored.decline ?? 0)).toBe(m.reviews.started);

    // the worker was killed at 4 s and a second one finished the work; no completed activity ran again
    expect(m.worker.pids).toHaveLength(2);
    expect(m.worker.killed_at_s).toBeGreaterThanOrEqual(4);
    expect(m.worker.ready_again_at_s!).toBeGreaterThan(m.worker.killed_at_s!);
    expect(m.worker.runtime).toStartWith('bun ');
    expect(m.activities.rerun_after_completion).toBe(0);
    expect(m.activities.activities).toBeGreaterThanOrEqual(3 * m.reviews.started);

    // scored: every live event once, the labeled ones as the generator labeled them
    expect(m.scoring.overall.events).toBe(m.events.live);
    expect(m.scoring.overall.labeled).toBe(m.events.labeled_live);
    expect(r.samples.confusion.reduce((s, x) => s + x.count, 0)).toBe(m.events.live);
    expect(r.samples.events.map((e) => e.kind)).toContain('worker_killed');
  });
});
