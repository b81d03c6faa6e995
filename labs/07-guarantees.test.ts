import { afterAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAULTS, Lab07Result } from '../lib/results/lab07.ts';
import { expectNotebookRenders } from '../lib/testing/browser-check.ts';
import { useEngines } from '../lib/testing/engines.ts';
import { isolated } from '../lib/testing/isolation.ts';
import { checkRun, runLabProcess } from '../lib/testing/run-lab.ts';

useEngines('kafka', 'db');

describe('lab 07', () => {
  const { env, cleanup } = isolated('lab07', { TRANSACTIONS_PARTITIONS: '3' });
  afterAll(cleanup);

  // 3,000 records through six pipelines under every fault (the broker restarted once), then the cost and the transaction facts
  test('every guarantee keeps its promise under every fault; worst-case crashes do exactly what they predict', async () => {
    const run = await runLabProcess(
      'labs/07-guarantees.ts',
      ['--events', '3000', '--bad', '6', '--batch', '100', '--kills', '2', '--crash-batch', '3', '--seed', '7'],
      env,
    );
    await checkRun(run, async () => {
      expect(run.code).toBe(0);
      const r = Lab07Result.parse(JSON.parse(readFileSync(join(run.dataDir, '07-guarantees.json'), 'utf8')));
      await expectNotebookRenders('07-guarantees', run.dataDir);
      const m = r.metrics;
      expect(m.ok).toBe(true);
      expect(m.skipped).toEqual([]);
      expect(new Set(m.faults.map((f) => f.fault))).toEqual(new Set(FAULTS));
      for (const f of m.faults) {
        expect({ run: `${f.fault} ${f.pipeline.id}`, broken: f.broken }).toEqual({
          run: `${f.fault} ${f.pipeline.id}`,
          broken: [],
        });
        expect(f.audit.input).toBe(3000);
      }
      // the worst-case crash: a batch lost by at most once, written twice by at least once, neither by exactly once
      const worst = (id: string) => m.faults.find((f) => f.fault === 'worst-crash' && f.pipeline.id === id)!;
      for (const sink of ['kafka', 'sql']) {
        expect(worst(`at-most-once.${sink}`).audit.lost).toBe(100);
        expect(worst(`at-least-once.${sink}`).audit.duplicated).toBe(100);
        expect(worst(`exactly-once.${sink}`).audit).toEqual(expect.objectContaining({ lost: 0, duplicated: 0 }));
      }
      expect(worst('exactly-once.kafka').audit.uncommitted_duplicated).toBe(100);
      // random kills landed: two per pipeline, each followed by a restart
      for (const f of m.faults.filter((x) => x.fault === 'random-kills')) expect(f.kills).toBeGreaterThan(0);
      // the transaction facts
      expect(m.fencing.after_connect.committed).toBe(true);
      expect(m.fencing.after_init.committed).toBe(false);
      expect(m.stall.stall_ms).toBeGreaterThan(m.stall.timeout_ms - 1_000);
      expect(m.stall.uncommitted_ms).toBeLessThan(1_000);
      expect(m.cost).toHaveLength(6);
      for (const c of m.cost) expect(c.per_s).toBeGreaterThan(0);
    });
  }, 300_000);
});
