// The metrics endpoint as Prometheus sees it: the text format on /metrics, and a target file that
// appears while the process serves and is gone once it stops.
import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counter } from 'prom-client';
import { parseMetrics, registry, serveMetrics } from './metrics.ts';

const dir = mkdtempSync(join(tmpdir(), 'txlab-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// a metric of this test's own in the process-wide registry; removed after the file, so the registry
// holds only the stages' metrics when test/readme.test.ts checks them against the README
const probe = new Counter({
  name: 'txlab_test_probes_total',
  help: 'probes',
  labelNames: ['kind'] as const,
  registers: [registry],
});
afterAll(() => registry.removeSingleMetric('txlab_test_probes_total'));

describe('serveMetrics', () => {
  test('serves the registry in the text format on /metrics and writes, then removes, its target file', async () => {
    const m = await serveMetrics({ job: 'unit', instance: 'unit/1', dir });
    probe.inc({ kind: 'a' }, 3);
    const res = await fetch(m.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('# TYPE txlab_test_probes_total counter');
    expect(parseMetrics(text).get('txlab_test_probes_total{kind="a"}')).toBe(3);
    expect((await fetch(m.url.replace('/metrics', '/other'))).status).toBe(404);

    expect(m.targetFile).toBe(join(dir, `unit-${process.pid}.json`));
    expect(JSON.parse(readFileSync(m.targetFile, 'utf8'))).toEqual([
      { targets: [`127.0.0.1:${m.port}`], labels: { job: 'unit', instance: 'unit/1' } },
    ]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    await m.close();
    expect(existsSync(m.targetFile)).toBe(false);
    expect(
      await fetch(m.url).then(
        () => 'answered',
        () => 'refused',
      ),
    ).toBe('refused');
  });

  describe("when a dead process's target file is left behind", () => {
    test('the next process to serve metrics sweeps it, and keeps a live one', async () => {
      const dead = join(dir, 'sink-999999999.json');
      const live = join(dir, `other-${process.ppid}.json`);
      writeFileSync(dead, '[]');
      writeFileSync(live, '[]');
      const m = await serveMetrics({ job: 'unit', instance: 'unit/2', dir });
      expect(existsSync(dead)).toBe(false);
      expect(existsSync(live)).toBe(true);
      await m.close();
    });
  });
});
