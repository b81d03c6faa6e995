// Lab 08's report: what the pipeline dashboard showed (peaks per panel), the alert's timeline against
// the sink's stop and restart, rows stored against records produced; and the same with the series as
// data/08-monitoring.json.
import type { Config } from '../../lib/config.ts';
import type { Lab08Result } from '../../lib/results/lab08.ts';
import { envelope } from '../../lib/results/write.ts';
import { fmt, table } from '../../lib/terminal.ts';
import type { Schedule } from './schedule.ts';
import { type AlertPoint, alertTimeline, type Point, peak } from './timeline.ts';

export type Lab08Run = {
  runId: string;
  startedAt: Date;
  config: Config;
  seed: number;
  schedule: Schedule;
  prometheus: string;
  stepS: number;
  queries: Record<string, string>;
  produced: { acked: number; failed: number };
  rows: { stored: number; distinct_ids: number };
  sink: { stopped_at_s: number | null; restarted_at_s: number | null };
  /** seconds from the stream's start to the last point read back */
  endS: number;
  series: Record<'acked_per_s' | 'stored_per_s' | 'lag' | 'event_to_row_p99_s' | 'dlq_per_s', Point[]>;
  alert: AlertPoint[];
  drained: boolean;
  interrupted: boolean;
};

function figures(r: Lab08Run) {
  const lagPeak = peak(r.series.lag);
  const top = (xs: Point[]) => peak(xs)?.value ?? 0;
  return {
    lag: { peak: lagPeak?.value ?? 0, peak_at_s: lagPeak?.t_s ?? null, final: r.series.lag.at(-1)?.value ?? null },
    alert: alertTimeline(r.alert, r.stepS, r.endS),
    peaks: {
      acked_per_s: top(r.series.acked_per_s),
      stored_per_s: top(r.series.stored_per_s),
      event_to_row_p99_s: peak(r.series.event_to_row_p99_s)?.value ?? null,
      dlq_per_s: top(r.series.dlq_per_s),
    },
  };
}

/** "+42 s after the sink stopped" */
const after = (t: number | null, from: number | null, what: string) =>
  t === null || from === null
    ? String(t ?? 'never')
    : `t=${t.toFixed(0)} s, ${t - from >= 0 ? '+' : ''}${(t - from).toFixed(0)} s after ${what}`;

export function printSummary(r: Lab08Run): void {
  const f = figures(r);
  const check = (ok: boolean) => (ok ? '✓' : '✗');
  const { stopped_at_s: stop, restarted_at_s: restart } = r.sink;
  console.log(
    table(
      [
        { what: 'records produced (acked)', value: fmt(r.produced.acked), check: '' },
        {
          what: 'rows stored for this run',
          value: fmt(r.rows.stored),
          check: check(r.rows.stored === r.produced.acked && r.rows.distinct_ids === r.rows.stored),
        },
        {
          what: 'sink stopped / started again',
          value: `t=${stop?.toFixed(0) ?? '-'} s / t=${restart?.toFixed(0) ?? '-'} s`,
          check: '',
        },
        {
          what: 'peak consumer lag (Prometheus)',
          value: `${fmt(f.lag.peak)} at t=${f.lag.peak_at_s?.toFixed(0) ?? '?'} s`,
          check: check(f.lag.peak > 100),
        },
        { what: 'lag at the end', value: fmt(f.lag.final ?? Number.NaN), check: check(f.lag.final === 0) },
        { what: 'ConsumerLagGrowing pending', value: after(f.alert.pending_at_s, stop, 'the stop'), check: '' },
        {
          what: 'ConsumerLagGrowing firing',
          value: after(f.alert.firing_at_s, stop, 'the stop'),
          check: check(f.alert.firing_at_s !== null),
        },
        {
          what: 'ConsumerLagGrowing resolved',
          value: after(f.alert.resolved_at_s, restart, 'the restart'),
          check: check(f.alert.resolved_at_s !== null),
        },
      ],
      '\nWhat the monitoring saw',
    ),
  );
  console.log(
    table(
      [
        { panel: 'Throughput per stage: produced → topic', peak: `${fmt(Math.round(f.peaks.acked_per_s))}/s` },
        { panel: 'Throughput per stage: sink rows stored', peak: `${fmt(Math.round(f.peaks.stored_per_s))}/s` },
        {
          panel: 'Event → row latency p99',
          peak:
            f.peaks.event_to_row_p99_s === null ? 'no data' : `${(f.peaks.event_to_row_p99_s * 1000).toFixed(0)} ms`,
        },
        { panel: 'Dead letters by reason (all)', peak: `${f.peaks.dlq_per_s.toFixed(2)}/s` },
      ],
      `\nThe pipeline dashboard over the run (query_range, step ${r.stepS} s; peaks)`,
    ),
  );
}

export function buildResult(r: Lab08Run): Lab08Result {
  const f = figures(r);
  const c = r.config;
  const s = r.schedule;
  return {
    ...envelope('08-monitoring', r.runId, r.startedAt, c),
    parameters: {
      duration_s: s.durationS,
      rate_per_s: s.rate,
      peak_rate_per_s: s.peak.rate,
      peak_from_s: s.peak.fromS,
      peak_to_s: s.peak.toS,
      down_s: s.sinkDown.toS - s.sinkDown.fromS,
      sink_stop_s: s.sinkDown.fromS,
      seed: r.seed,
      topic: c.topics.transactions,
      group: c.sink.group,
      prometheus: r.prometheus,
      step_s: r.stepS,
      queries: r.queries,
    },
    metrics: {
      produced: r.produced,
      rows: r.rows,
      sink: r.sink,
      lag: f.lag,
      alert: f.alert,
      peaks: f.peaks,
      drained: r.drained,
      interrupted: r.interrupted,
    },
    samples: { ...r.series, alert: r.alert },
  };
}
