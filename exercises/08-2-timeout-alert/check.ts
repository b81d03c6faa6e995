// Check of exercise 08-2: your rule is written to a rule file and proven the way txlab's own alerts are
// (grafana/alerts/txlab.rules.test.yml): `promtool check rules`, then `promtool test rules` with
// synthetic series of txlab_fraud_reviews_finished_total for three review workers over 20 minutes, and
// the exact alerts (labels and annotations, so the value too) expected at eight moments, worked out by
// hand below. Each moment is its own promtool run, so each is reported on its own line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CheckResult, defineExercise } from '../../lib/exercises/define.ts';
import { requireTool, run } from '../../lib/stack/tools.ts';

type Impl = typeof import('./solution.ts');

const METRIC = 'txlab_fraud_reviews_finished_total';
const STEPS = 241; // samples 5 s apart: 0 s … 20 min

/** `n` samples, 5 s apart, of a counter whose value at sample i is `at(i)`, in promtool's series notation. */
const samples = (at: (i: number) => number) => Array.from({ length: STEPS }, (_, i) => String(at(i))).join(' ');
const series = (job: string, verdict: string, decided_by: string, at: (i: number) => number) => ({
  series: `${METRIC}{job="${job}",instance="${job}-1",verdict="${verdict}",decided_by="${decided_by}"}`,
  values: samples(at),
});

// w1: 2 reviews/s approved by the rules all along; from 2 min to 10 min, 1/s more declined on timeout.
// w2: 1.6/s approved, 0.4/s timed out: exactly 20 %, all along. w3: one review a minute, every one a
// timeout: 100 %, but only 5 in 5 minutes. Each worker also has its other series at 0, as the lab's do.
const INPUT = [
  series('w1', 'approve', 'rules', (i) => 10 * i),
  series('w1', 'decline', 'timeout', (i) => 5 * Math.min(Math.max(0, i - 24), 96)),
  series('w1', 'decline', 'analyst', () => 0),
  series('w2', 'approve', 'rules', (i) => 8 * i),
  series('w2', 'decline', 'timeout', (i) => 2 * i),
  series('w2', 'approve', 'analyst', () => 0),
  series('w3', 'decline', 'timeout', (i) => Math.floor(i / 12)),
  series('w3', 'approve', 'rules', () => 0),
];

type Moment = { at: string; why: string; firing: { job: string; share: string }[] };
// w1's share of timeouts over the 5 minutes before t: 0 before 2m; (t − 2m) / (3t − 2m) until 5m; 1/3
// from 7m to 10m; it crosses 20 % just after 4m (at 4m05s: 125 / 615) and falls back to exactly 20 % at
// 12m30s (150 / 750). With for: 1m, pending from 4m05s, firing from 5m05s.
const MOMENTS: Moment[] = [
  { at: '2m', why: 'no timeout yet; w2 at exactly 20 % is not above it; w3 has 5 reviews, under 10', firing: [] },
  { at: '4m30s', why: 'w1 above 20 % for 25 s: pending, not firing', firing: [] },
  { at: '5m', why: 'w1 above 20 % for 55 s: still pending', firing: [] },
  { at: '5m5s', why: 'w1 above 20 % for 1 minute: firing', firing: [{ job: 'w1', share: '23.57%' }] },
  { at: '8m', why: 'w1 at 1 in 3', firing: [{ job: 'w1', share: '33.33%' }] },
  {
    at: '12m',
    why: 'timeouts stopped at 10m, still 180 of 780 in the window',
    firing: [{ job: 'w1', share: '23.08%' }],
  },
  { at: '12m30s', why: 'w1 back to exactly 20 % (150 of 750): resolved', firing: [] },
  { at: '19m', why: 'w1 calm for 9 minutes; w2 still at exactly 20 %', firing: [] },
];

export default defineExercise<Impl>({
  id: '08-2-timeout-alert',
  title: 'An alert rule, unit-tested with promtool: reviews timing out',
  teaches:
    'writing an alert as a ratio of increases per job, guarding it against small numbers, using `for`, and proving it with promtool before it pages anyone',
  minutes: 20,
  engines: [],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ rulesFile, alertRule }): Promise<CheckResult> {
    const promtool = requireTool('promtool', 'apt-get install prometheus (or run bash scripts/setup.sh)');
    const rule = alertRule();
    const dir = mkdtempSync(join(tmpdir(), 'txlab-08-2-'));
    try {
      writeFileSync(join(dir, 'rules.yml'), rulesFile());
      const checked = await run(promtool, ['check', 'rules', 'rules.yml'], { cwd: dir });
      if (checked.code !== 0)
        return {
          ok: false,
          lines: [`promtool check rules rejects the rule (expr: ${rule.expr}, for: ${rule.for}):`, ...tail(checked)],
        };
      const results = await Promise.all(
        MOMENTS.map(async (m, i) => {
          const file = `test-${i}.yml`;
          writeFileSync(join(dir, file), testFile(m, rule));
          const r = await run(promtool, ['test', 'rules', file], { cwd: dir });
          const want = m.firing.length ? m.firing.map((f) => `${f.job} firing at ${f.share}`).join(', ') : 'no alert';
          return r.code === 0
            ? { ok: true, lines: [`  ok    at ${m.at.padEnd(6)} ${want} (${m.why})`] }
            : {
                ok: false,
                lines: [`  WRONG at ${m.at.padEnd(6)} expected ${want} (${m.why}); promtool:`, ...got(r)],
              };
        }),
      );
      return {
        ok: results.every((r) => r.ok),
        lines: [
          `ReviewsTimingOut, expr: ${rule.expr}, for: ${rule.for}; ${results.filter((r) => r.ok).length} of ${MOMENTS.length} moments as expected:`,
          ...results.flatMap((r) => r.lines),
        ],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

/** One promtool unit test: the input series, and the alerts expected at one moment. */
function testFile(m: Moment, rule: ReturnType<Impl['alertRule']>): string {
  const exp_alerts = m.firing.map((f) => ({
    exp_labels: { severity: 'warning', job: f.job },
    exp_annotations: {
      summary: rule.annotations.summary!.replace('{{ $labels.job }}', f.job),
      description: rule.annotations
        .description!.replace('{{ $value | humanizePercentage }}', f.share)
        .replace('{{ $labels.job }}', f.job),
    },
  }));
  return `${JSON.stringify(
    {
      rule_files: ['rules.yml'],
      evaluation_interval: '5s',
      tests: [
        {
          interval: '5s',
          input_series: INPUT,
          alert_rule_test: [{ eval_time: m.at, alertname: rule.alert, exp_alerts }],
        },
      ],
    },
    null,
    2,
  )}\n`;
}

const tail = (r: { stdout: string; stderr: string }) =>
  `${r.stdout}\n${r.stderr}`
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .slice(-6)
    .map((l) => `    ${l.trim()}`);

/** promtool's "got" for a failed moment, one alert a line: its labels and its value (from the description). */
function got(r: { stdout: string; stderr: string }): string[] {
  const out = `${r.stdout}\n${r.stderr}`;
  const gotPart = out.slice(out.indexOf('got:'));
  if (!out.includes('got:')) return tail(r);
  const alerts = [...gotPart.matchAll(/Labels:\{([^}]*)\}\s*Annotations:\{([^}]*)\}/g)].map((m) => {
    const share = /description="([^ ]+) of the reviews/.exec(m[2]!)?.[1];
    return `    got: {${m[1]}}${share ? ` at ${share}` : ''}`;
  });
  return alerts.length ? alerts : ['    got: no alert'];
}
