// txlab's alerting rules (grafana/alerts/txlab.rules.yml) as Prometheus itself reads them: valid for
// `promtool check rules`, and each alert firing and resolving on the series of txlab.rules.test.yml
// (`promtool test rules`). The live counterpart is lib/stack/alerts.test.ts.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../config.ts';
import { requireTool, run } from '../stack/tools.ts';
import { ALERT_RULES } from './prometheus-config.ts';

// scripts/setup.sh installs it: a missing promtool fails here rather than skipping the proof
const promtool = requireTool('promtool', 'apt-get install prometheus (or run bash scripts/setup.sh)');
const rules = join(PROJECT_ROOT, ALERT_RULES);
const unitTests = rules.replace(/\.yml$/, '.test.yml');

type Rule = { alert: string; expr: string; for?: string; labels: { severity: string }; annotations: object };
const groups = () => (Bun.YAML.parse(readFileSync(rules, 'utf8')) as { groups: { rules: Rule[] }[] }).groups;

async function promtoolSays(...args: string[]) {
  const r = await run(promtool, args, { cwd: PROJECT_ROOT });
  return { code: r.code, output: `${r.stdout}${r.stderr}` };
}

describe('the alerting rules', () => {
  test('are the four alerts, each with a severity, a summary and a description', () => {
    const all = groups().flatMap((g) => g.rules);
    expect(
      all.map((r) => ({ alert: r.alert, severity: r.labels.severity, annotations: Object.keys(r.annotations) })),
    ).toEqual([
      { alert: 'ConsumerLagGrowing', severity: 'warning', annotations: ['summary', 'description'] },
      { alert: 'DeadLetters', severity: 'warning', annotations: ['summary', 'description'] },
      { alert: 'NoEventsProduced', severity: 'critical', annotations: ['summary', 'description'] },
      { alert: 'WorkerGone', severity: 'critical', annotations: ['summary', 'description'] },
    ]);
  });

  test('pass `promtool check rules`', async () => {
    expect(await promtoolSays('check', 'rules', rules)).toEqual({
      code: 0,
      output: expect.stringContaining('SUCCESS: 4 rules found'),
    });
  });

  test('fire and resolve as `promtool test rules` expects', async () => {
    expect(await promtoolSays('test', 'rules', unitTests)).toEqual({
      code: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });
});
