import { describe, expect, test } from 'bun:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, which } from '../stack/tools.ts';
import { PROJECT_ROOT } from '../config.ts';
import { ALERT_RULES, prometheusConfig, type ScrapeTargets } from './prometheus-config.ts';

const everything: ScrapeTargets = {
  targetsDir: '/s/prometheus/targets',
  prometheus: '127.0.0.1:9490',
  lagExporter: '127.0.0.1:9492',
  kafkaJmx: '127.0.0.1:9493',
  mysqld: '127.0.0.1:9491',
  temporal: '127.0.0.1:8234',
  ruleFiles: ['/repo/grafana/alerts/txlab.rules.yml'],
};

type Job = { job_name: string; static_configs?: { targets: string[] }[]; file_sd_configs?: unknown[] };
const parse = (t: ScrapeTargets) =>
  Bun.YAML.parse(prometheusConfig(t)) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: Job[];
  };

describe('prometheusConfig', () => {
  test('scrapes every 5 s', () => {
    expect(parse(everything).global).toEqual({
      scrape_interval: '5s',
      scrape_timeout: '4s',
      evaluation_interval: '5s',
    });
  });

  test('evaluates the alerting rules it is given', () => {
    expect(parse(everything).rule_files).toEqual(['/repo/grafana/alerts/txlab.rules.yml']);
  });

  test('scrapes each exporter at its port, and every file in the targets folder', () => {
    const jobs = parse(everything).scrape_configs;
    expect(jobs.map((j) => [j.job_name, j.static_configs?.[0]?.targets[0] ?? j.file_sd_configs])).toEqual([
      ['prometheus', '127.0.0.1:9490'],
      ['kafka-lag', '127.0.0.1:9492'],
      ['kafka', '127.0.0.1:9493'],
      ['mysqld', '127.0.0.1:9491'],
      ['temporal', '127.0.0.1:8234'],
      ['txlab', [{ files: ['/s/prometheus/targets/*.json'], refresh_interval: '5s' }]],
    ]);
  });

  test('leaves out the exporters of engines run elsewhere', () => {
    const jobs = parse({ ...everything, kafkaJmx: undefined, mysqld: undefined, temporal: undefined }).scrape_configs;
    expect(jobs.map((j) => j.job_name)).toEqual(['prometheus', 'kafka-lag', 'txlab']);
  });

  test('passes `promtool check config`, with a target file and txlab’s rules in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'txlab-prom-'));
    const targetsDir = join(dir, 'targets');
    await Bun.write(
      join(targetsDir, 'sink-123.json'),
      JSON.stringify([{ targets: ['127.0.0.1:40000'], labels: { job: 'sink', instance: 'sink-123' } }]),
    );
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, prometheusConfig({ ...everything, targetsDir, ruleFiles: [join(PROJECT_ROOT, ALERT_RULES)] }));
    const r = await run(which('promtool')!, ['check', 'config', file]);
    expect({ code: r.code, output: `${r.stdout}${r.stderr}` }).toEqual({
      code: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });
});
