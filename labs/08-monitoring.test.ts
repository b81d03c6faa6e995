import { afterAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab08Result } from '../lib/results/lab08.ts';
import { expectNotebookRenders } from '../lib/testing/browser-check.ts';
import { useEngines } from '../lib/testing/engines.ts';
import { isolated } from '../lib/testing/isolation.ts';
import { checkRun, runLabProcess } from '../lib/testing/run-lab.ts';

useEngines('kafka', 'db', 'prometheus', 'lag-exporter');

describe('lab 08', () => {
  const { env, cleanup } = isolated('lab08', { TRANSACTIONS_PARTITIONS: '3' });
  afterAll(cleanup);

  // 20 s of stream (a new sink's rows/s shows once Prometheus has found and scraped it twice), the sink
  // down for 55 s (ConsumerLagGrowing fires about 40 s after the stop: pending once the lag exporter's
  // next reading is scraped and evaluated, then `for: 30s`), 10 s more
  test('sees the lag grow while the sink is down, the alert fire and resolve, and every record stored', async () => {
    const run = await runLabProcess(
      'labs/08-monitoring.ts',
      ['--duration', '85', '--down', '55', '--rate', '100', '--seed', '8'],
      env,
    );
    await checkRun(run, async () => {
      expect(run.code).toBe(0);
      const r = Lab08Result.parse(JSON.parse(readFileSync(join(run.dataDir, '08-monitoring.json'), 'utf8')));
      await expectNotebookRenders('08-monitoring', run.dataDir);
      const m = r.metrics;
      expect(m.produced.acked).toBeGreaterThan(0);
      expect({ ...m.rows, drained: m.drained }).toEqual({
        stored: m.produced.acked,
        distinct_ids: m.produced.acked,
        drained: true,
      });

      // the lag: about 0 before the stop, rising while the sink is down, 0 at the end
      const { stopped_at_s: stop, restarted_at_s: restart } = m.sink;
      if (stop === null || restart === null) throw new Error('the sink was not stopped and restarted');
      const lagAt = (from: number, to: number) => r.samples.lag.filter((p) => p.t_s >= from && p.t_s <= to);
      const whileDown = lagAt(stop + 10, restart).map((p) => p.value);
      expect(whileDown.length).toBeGreaterThan(5);
      expect(whileDown.at(-1)!).toBeGreaterThan(whileDown[0]!);
      expect(m.lag.peak).toBeGreaterThan(100 * 30);
      expect(m.lag.final).toBe(0);

      // the alert: pending after the stop, firing before the restart, resolved after it. (A loaded machine
      // can also put it pending for a moment during the burst before the stop, when the sink falls 100
      // records behind: that episode is real, so the pending that counts is the one between stop and firing.)
      const { firing_at_s, resolved_at_s } = m.alert;
      const pendingAfterStop = r.samples.alert.filter(
        (p) => p.state === 'pending' && p.t_s > stop && p.t_s < firing_at_s!,
      );
      expect({
        pending: pendingAfterStop.length > 0,
        firing: firing_at_s! > stop && firing_at_s! < restart,
        resolved: resolved_at_s! > restart,
      }).toEqual({ pending: true, firing: true, resolved: true });

      // the dashboard's series: the producer's records/s and the sink's rows/s, over the run
      expect(m.peaks.acked_per_s).toBeGreaterThan(100);
      expect(m.peaks.stored_per_s).toBeGreaterThan(50);
      const storedAt = (from: number, to: number) => r.samples.stored_per_s.filter((p) => p.t_s >= from && p.t_s <= to);
      expect({
        before: storedAt(0, stop).length > 0,
        after: storedAt(restart, Number.POSITIVE_INFINITY).length > 0,
      }).toEqual({
        before: true,
        after: true,
      });
      expect(r.parameters.group).toMatch(/^t_lab08_\w+\.txlab-sink$/);
      expect(run.stdout).toContain('ConsumerLagGrowing firing');
    });
  }, 240_000);

  test('rejects a --down that leaves no time before the stop', async () => {
    const run = await runLabProcess('labs/08-monitoring.ts', ['--duration', '30', '--down', '25'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--duration 30 is too short for --down 25');
  });
});
