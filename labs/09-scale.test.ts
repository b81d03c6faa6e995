import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab09Result } from '../lib/results/lab09.ts';
import { expectNotebookRenders } from '../lib/testing/browser-check.ts';
import { useEngines } from '../lib/testing/engines.ts';
import { checkRun, runLabProcess } from '../lib/testing/run-lab.ts';

// the ceiling runs on the embedded stack (in a namespace of its own); the rest on clusters the lab starts
useEngines('kafka', 'db', 'temporal');

describe('lab 09', () => {
  // every part, small: a 20,000-record sweep on 1 and 3 brokers, the rebalances, the broker failure, a 2-step ramp
  test('sweeps, rebalances, survives a broker failure with nothing acknowledged lost, and finds a ceiling', async () => {
    const run = await runLabProcess(
      'labs/09-scale.ts',
      ['--events', '20000', '--partitions', '3', '--rate', '300', '--rates', '100,200', '--step', '4', '--seed', '9'],
      {},
    );
    await checkRun(run, async () => {
      expect(run.code).toBe(0);
      const r = Lab09Result.parse(JSON.parse(readFileSync(join(run.dataDir, '09-scale.json'), 'utf8')));
      await expectNotebookRenders('09-scale', run.dataDir);
      const m = r.metrics;
      expect(m.skipped).toEqual([]);
      expect(m.ok).toBe(true);

      // the sweep: consumers 1, 2, 3 and 4 (one idle) on each cluster size, every point drained the whole backlog
      const sweep = m.sweep!;
      expect(sweep.clusters.map((c) => c.brokers)).toEqual([1, 3]);
      for (const c of sweep.clusters) for (const f of c.fills) expect(f.acked).toBe(20_000);
      expect(sweep.points.map((p) => `${p.brokers}b${p.consumers}c`)).toEqual([
        '1b1c',
        '1b2c',
        '1b3c',
        '1b4c',
        '3b1c',
        '3b2c',
        '3b3c',
        '3b4c',
      ]);
      for (const p of sweep.points) {
        expect(p.records).toBe(20_000);
        expect(p.records_per_s).toBeGreaterThan(0);
        expect(p.idle_members).toBe(p.consumers > 3 ? 1 : 0);
        expect(p.cpu.some((c) => c.kind === 'broker' && c.cpu_s > 0)).toBe(true);
      }
      expect(sweep.notes.length).toBeGreaterThan(0);

      // the rebalances: each event moved partitions, a crash only after the session timeout
      const rb = m.rebalance!;
      expect(rb.events.map((e) => e.kind)).toEqual(['join', 'leave', 'crash']);
      for (const e of rb.events) expect(e.moved_partitions).toBeGreaterThan(0);
      const crash = rb.events.find((e) => e.kind === 'crash')!;
      expect(crash.moved_ms).toBeGreaterThan(rb.parameters.session_timeout_ms * 0.5);

      // the broker failure: nothing acknowledged lost, nothing acknowledged while two of three were down
      const f = m.failover!;
      expect(f.broken).toEqual([]);
      expect(f.audit.acked_missing).toBe(0);
      expect(f.audit.acked).toBeGreaterThan(0);
      expect(f.two_down?.acked_while_down).toBe(0);

      // the ceiling: the steps ran with every process up, each produced about what was offered, and the
      // sustained rate compared with the claim is that of the last step before the first that was not
      const c = m.ceiling!;
      expect(c.crash).toBeNull();
      expect(c.steps.length).toBeGreaterThan(0);
      expect(c.samples.length).toBeGreaterThan(4);
      for (const s of c.steps) expect(s.achieved_per_s).toBeGreaterThan(s.offered_per_s * 0.5);
      const failed = c.steps.findIndex((s) => !s.sustained);
      const sustained = (failed < 0 ? c.steps : c.steps.slice(0, failed)).at(-1);
      expect(c.claim.measured_events_per_s).toBe(sustained ? sustained.achieved_per_s : 0);
    });
  }, 420_000);
});
