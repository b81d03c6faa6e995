import { afterAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab06Result } from '../lib/results/lab06.ts';
import { expectNotebookRenders } from '../lib/testing/browser-check.ts';
import { useEngines } from '../lib/testing/engines.ts';
import { isolated } from '../lib/testing/isolation.ts';
import { checkRun, runLabProcess } from '../lib/testing/run-lab.ts';

useEngines('kafka', 'db');

describe('lab 06', () => {
  const { env, cleanup } = isolated('lab06', { TRANSACTIONS_PARTITIONS: '3' });
  afterAll(cleanup);

  // 24 s measured at 150/s with late events and a quiet partition; the windows process SIGKILLed at ~14 s
  test('every final window equals the ground truth through a SIGKILL of the windows process; late events all accounted for', async () => {
    const run = await runLabProcess(
      'labs/06-windows.ts',
      ['--duration', '24', '--rate', '150', '--idle-for', '8', '--late-share', '0.03', '--seed', '6'],
      env,
    );
    await checkRun(run, async () => {
      expect(run.code).toBe(0);
      const r = Lab06Result.parse(JSON.parse(readFileSync(join(run.dataDir, '06-windows.json'), 'utf8')));
      await expectNotebookRenders('06-windows', run.dataDir);
      const m = r.metrics;
      expect(m.views.map((v) => ({ view: v.view, differ: v.differ, missing: v.missing, extra: v.extra }))).toEqual(
        ['category_tumbling', 'category_hopping', 'merchant_tumbling', 'customer_hopping'].map((view) => ({
          view,
          differ: 0,
          missing: 0,
          extra: 0,
        })),
      );
      for (const v of m.views) expect(v.matched).toBe(v.expected);
      expect(m.views[0]!.expected).toBeGreaterThan(0);
      expect(m.exact).toBe(true);
      // a second opinion: the same category windows recomputed in SQL from the sink's rows
      expect(m.sql_recompute.differ).toBe(0);
      expect(m.sql_recompute.matched).toBe(m.sql_recompute.windows);
      expect(m.sql_recompute.windows).toBeGreaterThan(0);
      // the crash landed mid-run and the second process resumed from the first one's commits
      expect(m.kill).toEqual(expect.objectContaining({ resumed_from_commit: true }));
      expect(m.kill!.events_before).toBeGreaterThan(0);
      expect(m.kill!.events_before).toBeLessThan(m.produced.acked);
      // late on purpose, and seen late: the watermark rule's count is the ground truth's
      expect(m.late.delayed).toBeGreaterThan(0);
      expect(m.late.watermark).toBe(m.late.expected_watermark);
      // the quiet partition stalls the watermark for the idle timeout with it, for its whole quiet stretch without
      expect(m.idle.stall_without_timeout_s).toBeGreaterThan(m.idle.stall_with_timeout_s);
    });
  }, 240_000);
});
