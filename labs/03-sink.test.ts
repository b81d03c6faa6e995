import { afterAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab03Result } from '../lib/results/lab03.ts';
import { useEngines } from '../lib/testing/engines.ts';
import { isolated } from '../lib/testing/isolation.ts';
import { runLabProcess } from '../lib/testing/run-lab.ts';

useEngines('kafka', 'db');

describe('lab 03', () => {
  const { env, cleanup } = isolated('lab03', { TRANSACTIONS_PARTITIONS: '3' });
  afterAll(cleanup);

  test('with two sinks, stores every good message once, dead-letters each bad one, and reports latency', async () => {
    const run = await runLabProcess(
      'labs/03-sink.ts',
      ['--events', '3000', '--duration', '3', '--rate', '200', '--bad', '2', '--sinks', '2', '--seed', '77'],
      env,
    );
    expect(run.code).toBe(0);
    const r = Lab03Result.parse(JSON.parse(readFileSync(join(run.dataDir, '03-sink.json'), 'utf8')));
    expect(r.metrics.produced.backfill).toBe(3000);
    expect(r.metrics.produced.bad).toEqual({ oversized: 2, malformed_json: 2, schema_violation: 2, conflict: 2 });
    expect(r.metrics.rows.expected).toBe(3000 + r.metrics.produced.live);
    expect(r.metrics.rows).toEqual({
      expected: r.metrics.rows.expected,
      stored: r.metrics.rows.expected,
      distinct_ids: r.metrics.rows.expected,
    });
    // a reused id is a conflict, whichever of its two messages is stored first
    expect(r.metrics.sink.dlq).toEqual({ oversized: 2, malformed_json: 2, schema_violation: 2, conflict: 2 });
    expect(r.metrics.sink.rows_inserted).toBe(r.metrics.rows.expected);
    expect(r.metrics.aggregates.mismatches).toBe(0);
    expect(r.metrics.drained).toBe(true);
    expect(r.metrics.event_to_row_ms.count).toBe(r.metrics.produced.live);
    expect(r.metrics.append_to_row_ms.count).toBe(r.metrics.rows.expected);
    expect(r.samples.timeline.length).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/sink-1: joined group t_lab03_\w+\.txlab-sink: partitions/);
    expect(run.stdout).toContain('rows stored for this run');
    expect(run.stdout).toMatch(/dead-lettered: conflict \(sent 2\)\s+2\s+✓/);
  });

  test('rejects a bad flag with a clear message', async () => {
    const run = await runLabProcess('labs/03-sink.ts', ['--sinks', 'two'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--sinks: expected a whole number (got "two")');
  });
});
