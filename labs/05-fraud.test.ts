import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { spawnChild } from '../lib/child.ts';
import { withDb } from '../lib/db/connect.ts';
import { withClient } from '../lib/fraud/review/client.ts';
import { Lab05Result } from '../lib/results/lab05.ts';
import { expectNotebookRenders } from '../lib/testing/browser-check.ts';
import { useEngines } from '../lib/testing/engines.ts';
import { isolated } from '../lib/testing/isolation.ts';
import { checkRun, runLabProcess } from '../lib/testing/run-lab.ts';

useEngines('kafka', 'db', 'temporal');

const { env, config: c, cleanup } = isolated('lab05', { TRANSACTIONS_PARTITIONS: '2' });
const lost = isolated('lab05lost', { TRANSACTIONS_PARTITIONS: '2' });
afterAll(async () => {
  await cleanup();
  await lost.cleanup();
});

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
    await checkRun(run, async () => {
      expect(run.stderr).not.toContain('failed');
      expect(run.code).toBe(0);
      const r = Lab05Result.parse(JSON.parse(readFileSync(join(run.dataDir, '05-fraud.json'), 'utf8')));
      await expectNotebookRenders('05-fraud', run.dataDir);
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
      // who declined adds up to the declines; the rate and the backpressure are recorded
      const by = m.scoring.declines!.by;
      expect(by.rules.declined + by.analyst.declined + by.timeout.declined).toBe(m.scoring.overall.declined);
      expect({ base: m.rate?.base_per_s, atLeastBase: m.rate!.target_per_s >= 20 }).toEqual({
        base: 20,
        atLeastBase: true,
      });
      expect(m.backpressure!.in_flight_max).toBeLessThanOrEqual(r.parameters.max_in_flight);
    });
  });
});

describe('lab 05 when its restarted worker dies as well', () => {
  test('says so, stops within a deadline, and reports the reviews left open (exit code 1)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'txlab-test-data-'));
    const lines: string[] = [];
    let killed: { pid: number; at: number } | undefined;
    // holds wait 60 s for an analyst: reviews are certainly open when the restarted worker dies
    const args = ['--duration', '30', '--rate', '20', '--fraud-rate', '0.2', '--customers', '300', '--history', '3000'];
    const lab = spawnChild({
      name: 'lab 05',
      main: 'labs/05-fraud.ts',
      args: [...args, '--hold-timeout', '60', '--kill-at', '3', '--down', '1'],
      env: { ...lost.env, TXLAB_DATA_DIR: dataDir },
      readyTimeoutMs: 600_000, // a lab sends no ready message
      onLine(line) {
        lines.push(line);
        // the unplanned second crash: SIGKILL to the worker the lab restarted, 2 s after it polls
        const restarted = /the new review worker \(pid (\d+)\) polls again/.exec(line);
        if (restarted && !killed) {
          const pid = Number(restarted[1]);
          setTimeout(() => {
            killed = { pid, at: performance.now() };
            process.kill(pid, 'SIGKILL');
          }, 2_000);
        }
      },
    });
    const code = await lab.exited;
    expect(killed).toBeDefined();
    const exitedAfterMs = performance.now() - killed!.at;

    expect(code).toBe(1);
    expect(exitedAfterMs).toBeLessThan(45_000);
    const output = lines.join('\n');
    expect(output).toContain(`the review worker died at`);
    expect(output).toContain(`pid ${killed!.pid} exited with code 137`);
    expect(output).toMatch(/lab 05 failed: the review worker \(pid \d+\) died at .* reviews left open/);

    const r = Lab05Result.parse(JSON.parse(readFileSync(join(dataDir, '05-fraud.json'), 'utf8')));
    const m = r.metrics;
    const open = m.reviews.started - m.reviews.completed - m.reviews.failed;
    expect(open).toBeGreaterThan(0);
    expect({ left_open: m.reviews.left_open.length, died_pid: m.worker.died?.pid, code: m.worker.died?.code }).toEqual({
      left_open: open,
      died_pid: killed!.pid,
      code: 137,
    });
    expect(output).toContain(`${open} reviews left open`);
    expect(m.worker.pids).toEqual([m.worker.pids[0]!, killed!.pid]);
    expect(r.samples.events.map((e) => e.kind)).toContain('worker_died');
    expect(r.samples.timeline.at(-1)?.worker_up).toBe(false);
    // the stream stopped early: no 30 s of it
    expect(r.samples.events.find((e) => e.kind === 'live_end')!.t_s).toBeLessThan(25);
    // the server has them as running, as the results say; then they go (no worker polls this queue)
    await withClient(lost.config, async (client) => {
      for (const id of m.reviews.left_open) {
        const handle = client.workflow.getHandle(id);
        expect({ id, status: (await handle.describe()).status.name }).toEqual({ id, status: 'RUNNING' });
        await handle.terminate('lab 05 test: its worker was killed on purpose');
      }
    });
    console.log(
      `lab 05 exited ${(exitedAfterMs / 1000).toFixed(1)} s after the restarted worker's SIGKILL, ${open} reviews left open`,
    );
  });
});
