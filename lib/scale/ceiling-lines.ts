// Lab 09's ceiling, for a person: the progress line while it ramps, a line per step, the summary tables,
// and the report's one-line verdict. Pure.
import { table } from '../terminal.ts';
import type { CeilingReport, CeilingSample, CeilingStep, Crash } from './ceiling.ts';
import { type Ceiling, PROCESSES, STAGES, type SaturationRule, describeCeiling } from './saturation.ts';

const pct = (v: number | null) => (v === null ? '–' : `${Math.round(v)} %`);

export function progressLine(s: CeilingSample): string {
  const lags = STAGES.map((g) => `${g} ${s.stages[g].lag_s.toFixed(2)} s`).join(', ');
  const hot = PROCESSES.filter((p) => s.cpu[p] !== null)
    .sort((a, b) => s.cpu[b]! - s.cpu[a]!)
    .slice(0, 4)
    .map((p) => `${p} ${pct(s.cpu[p])}`)
    .join(', ');
  return (
    `ceiling: ${s.offered_per_s}/s @ ${s.t_s.toFixed(0)} s · sent ${Math.round(s.stages.producer.per_s)}/s · ` +
    `behind: ${lags} · cpu: ${hot} · machine ${pct(s.machine_busy_pct)}`
  );
}

export function stepLine(s: CeilingStep, rule: SaturationRule): string {
  const worst = STAGES.reduce((a, b) => (s.stages[b].lag_end_s > s.stages[a].lag_end_s ? b : a));
  const verdict = s.sustained
    ? `sustained (most behind: ${worst} ${s.stages[worst].lag_end_s.toFixed(2)} s)`
    : `NOT sustained: ${s.behind.map((g) => `${g} ${s.stages[g].lag_end_s.toFixed(1)} s`).join(', ')} behind (≥ ${rule.maxLagS} s)`;
  return `ceiling: step ${s.step + 1} at ${s.offered_per_s}/s: achieved ${Math.round(s.achieved_per_s)}/s, ${verdict}`;
}

/** The per-step tables (lags, then CPU) and the verdict, for a lab's summary. */
export function ceilingSummary(r: CeilingReport): string {
  const lags = r.steps.map((s) => ({
    'offered/s': s.offered_per_s,
    'achieved/s': Math.round(s.achieved_per_s),
    ...Object.fromEntries(
      STAGES.map((g) => [g, `${s.stages[g].lag_end_s.toFixed(2)} s${s.down.includes(g) ? ' (down)' : ''}`]),
    ),
    'reviews/s': (s.fraud.reviews_started / s.seconds).toFixed(1),
    'review start': s.fraud.submit_ms_mean === null ? '–' : `${Math.round(s.fraud.submit_ms_mean)} ms`,
    sustained: s.sustained ? 'yes' : 'NO',
  }));
  const cpu = r.steps.map((s) => ({
    'offered/s': s.offered_per_s,
    ...Object.fromEntries(PROCESSES.map((p) => [p, pct(s.cpu[p])])),
    other: pct(s.other_cpu_pct),
    machine: pct(s.machine_busy_pct),
  }));
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const claim =
    `seed 001 claims ${n(r.claim.claim_events_per_s)} events/s: ${n(r.claim.measured_events_per_s)}/s sustained here ` +
    `(${(r.claim.ratio * 100).toFixed(0)} %), every stage and engine on one machine of ${r.cores} cores`;
  return [
    table(lags, "\nthe whole pipeline, ramped: how far each stage was behind at each step's end"),
    table(cpu, `\nCPU per process over each step (% of one core; machine: busy share of all ${r.cores} cores)`),
    `  ${r.summary}`,
    `  ${claim}`,
  ].join('\n');
}

/** The report's one line: the verdict, a crash that ended the ramp, or where Ctrl-C stopped it. */
export function summaryOf(
  c: Ceiling,
  rule: SaturationRule,
  crash: Crash | undefined,
  ramp: { steps: number; of: number; interrupted: boolean; budgetS: number | null },
): string {
  const line = describeCeiling(c, rule.maxLagS) + (crash ? `; ${describeCrash(crash)}` : '');
  if (c.saturation) return ramp.interrupted ? `interrupted after ${ramp.steps} of ${ramp.of} steps: ${line}` : line;
  const upTo = c.events_per_s === null ? 'no step finished' : `sustained ${Math.round(c.events_per_s)}/s`;
  if (ramp.interrupted) return `interrupted after ${ramp.steps} of ${ramp.of} steps: ${upTo} so far`;
  if (ramp.budgetS !== null)
    return `${upTo}: every step sustained until the ${ramp.budgetS} s budget ended the ramp after ${ramp.steps} of ${ramp.of} steps (the ceiling is higher)`;
  return line;
}

/** The exit, with the line of its output that says most (an error's type or message, else the last one). */
export function describeCrash(c: Crash): string {
  const telling =
    c.last_lines.find((l) => /\btype: "|Error:|error:/.test(l))?.trim() ?? c.last_lines.at(-1)?.trim() ?? '';
  return `the ${c.process} process (pid ${c.pid}) exited with code ${c.code} ${c.at_s.toFixed(1)} s into the ramp${telling ? ` (${telling.slice(0, 160)})` : ''}`;
}
