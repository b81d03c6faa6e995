import { afterAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab03Result } from '../lib/results/lab03.ts';
import { expectNotebookRenders } from '../lib/testing/browser-check.ts';
import { useEngines } from '../lib/testing/engines.ts';
import { isolated } from '../lib/testing/isolation.ts';
import { checkRun, runLabProcess } from '../lib/testing/run-lab.ts';

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
    await checkRun(run, async () => {
      expect(run.code).toBe(0);
      const r = Lab03Result.parse(JSON.parse(readFileSync(join(run.dataDir, '03-sink.json'), 'utf8')));
      await expectNotebookRenders('03-sink', run.dataDir);
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
      // the CPU over the live stream, of the processes the stream went through (and the engines, when the
      // stack started them): the sinks did work
      const cpu = r.metrics.live_cpu!;
      expect(cpu.cpu.map((c) => c.process)).toEqual(expect.arrayContaining(['lab (producer)', 'sink-1', 'sink-2']));
      expect(cpu.cpu.filter((c) => c.kind === 'consumer').reduce((s, c) => s + c.cpu_s, 0)).toBeGreaterThan(0);
      expect(cpu.machine.wall_s).toBeGreaterThanOrEqual(3);
      expect(r.samples.timeline.length).toBeGreaterThan(0);
      expect(run.stderr).toMatch(/sink-1: joined group t_lab03_\w+\.txlab-sink: partitions/);
      expect(run.stdout).toContain('rows stored for this run');
      expect(run.stdout).toMatch(/dead-lettered: conflict \(sent 2\)\s+2\s+✓/);
    });
  });

  test('after lab 02 left events on the topic, stores them first and counts only its own run', async () => {
    // the first test's run left the group caught up: lab 02's events are the whole backlog
    const lab02 = await runLabProcess(
      'labs/02-producer.ts',
      ['--backfill', '2000', '--duration', '1', '--rate', '50'],
      env,
    );
    expect(lab02.code).toBe(0);
    const produced = JSON.parse(readFileSync(join(lab02.dataDir, '02-producer.json'), 'utf8')).metrics;
    const left = produced.backfill.acked + produced.live.acked;
    const run = await runLabProcess(
      'labs/03-sink.ts',
      // the live stream through librdkafka here (the first test's through kafkajs): the same counts either way
      ['--events', '1000', '--duration', '2', '--rate', '100', '--bad', '1', '--seed', '78', '--client', 'librdkafka'],
      env,
    );
    await checkRun(run, async () => {
      expect(run.code).toBe(0);
      const r = Lab03Result.parse(JSON.parse(readFileSync(join(run.dataDir, '03-sink.json'), 'utf8')));
      expect(r.parameters.client).toBe('librdkafka');
      expect(r.metrics.backlog).toEqual({
        messages: left,
        rows_inserted: left,
        duplicates: 0,
        dead_lettered: 0,
        seconds: r.metrics.backlog!.seconds,
      });
      const own = 1000 + r.metrics.produced.live;
      expect(r.metrics.rows).toEqual({ expected: own, stored: own, distinct_ids: own });
      expect({ inserted: r.metrics.sink.rows_inserted, timeline: r.samples.timeline.at(-1)!.stored }).toEqual({
        inserted: own,
        timeline: own,
      });
      expect(r.metrics.sink.dlq).toEqual({ oversized: 1, malformed_json: 1, schema_violation: 1, conflict: 1 });
      expect(r.metrics.append_to_row_ms.count).toBe(own);
      const rate = r.metrics.live_rate!;
      expect(rate.base_per_s).toBe(100);
      expect(rate.target_per_s).toBeCloseTo(100 * (1 + (rate.peak_factor - 1) * rate.peak_share), 6);
      expect(run.stdout).toMatch(/Before this run: [\d,]+ messages left on the topic by earlier runs, stored first/);
    });
  });

  test('rejects a bad flag with a clear message', async () => {
    const run = await runLabProcess('labs/03-sink.ts', ['--sinks', 'two'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--sinks: expected a whole number (got "two")');
  });
});
