// Lab 05's results: what the run collected, turned into data/05-fraud.json's shape, and the summary
// it prints.
import type { FraudTuning } from '../../lib/fraud/detect/thresholds.ts';
import type { Config } from '../../lib/config.ts';
import type { Scheduled } from '../../lib/generator/index.ts';
import { fmt, table } from '../../lib/terminal.ts';
import type { Lab05Result } from '../../lib/results/lab05.ts';
import type { RunEnvelope } from '../../lib/results/common.ts';
import { percentiles } from '../../lib/percentiles.ts';
import type { Verdict } from '../../lib/fraud/review/schemas.ts';
import { DECIDED_BY, VERDICTS } from '../../lib/fraud/vocabulary.ts';
import { score } from './score.ts';
import type { ActivityAudit } from '../../lib/fraud/review/audit.ts';
import type { Pipeline } from './pipeline.ts';
import { describeRate, type StreamRatePlan } from '../../lib/generator/stream-rate.ts';
import type { RunTracker } from './tracker.ts';

export type Lab05Samples = {
  timeline: Lab05Result['samples']['timeline'];
  events: Lab05Result['samples']['events'];
  analyst: Lab05Result['metrics']['analyst'];
};

export type RunRecord = {
  envelope: RunEnvelope & { lab: '05-fraud' };
  args: {
    duration: number;
    rate: number;
    speed: number;
    fraudRate: number;
    customers: number;
    history: number;
    holdTimeout: number;
    killAt: number;
    down: number;
    episode: number;
  };
  config: Config;
  tuning: FraudTuning;
  /** history events Kafka acknowledged */
  history: number;
  live: { sent: readonly Scheduled[]; seconds: number; samples: Lab05Samples; rate: StreamRatePlan | undefined };
  pipeline: Pick<Pipeline, 'consumer' | 'launcher' | 'feed' | 'supervisor'>;
  tracker: RunTracker;
  /** the stored verdicts of this run's reviews, and the audit of their activities */
  verdicts: ReadonlyMap<string, Verdict>;
  activities: ActivityAudit;
  interrupted: boolean;
};

export function buildResult(r: RunRecord): Lab05Result {
  const f = { ...r.config.fraud, ...r.tuning };
  const { consumer, feed, supervisor } = r.pipeline;
  const launcher = r.pipeline.launcher.stats;
  const samples = r.live.samples;
  const reviews = r.tracker.reviews().map((rv) => {
    const v = r.verdicts.get(rv.transaction_id);
    const final = v && v.verdict !== 'hold' ? v : undefined;
    const latency = final?.decided_by === 'rules' ? Date.parse(final.decided_at) - Date.parse(final.flagged_at) : null;
    return { ...rv, latency_ms: latency, verdict: v?.verdict ?? null, decided_by: v?.decided_by ?? null };
  });
  const killed = supervisor.at('worker_killed');
  const readyAgain =
    killed === null ? null : (supervisor.events.find((e) => e.kind === 'worker_ready' && e.t_s > killed)?.t_s ?? null);
  const latencies = reviews.flatMap((x) => (x.latency_ms === null ? [] : [x.latency_ms]));
  // in flight at some moment while no worker ran: flagged before it was back, decided after it died
  const outage = reviews.filter(
    (x) =>
      killed !== null &&
      x.latency_ms !== null &&
      x.flagged_s <= (readyAgain ?? Number.POSITIVE_INFINITY) &&
      x.flagged_s + x.latency_ms / 1000 >= killed,
  );
  const finals = [...r.verdicts.values()];
  const count = <K extends string>(keys: readonly K[], of: (v: Verdict) => K) =>
    Object.fromEntries(keys.map((k) => [k, finals.filter((v) => of(v) === k).length])) as Record<K, number>;
  const board = score(r.tracker.scored(r.verdicts));
  const tl = samples.timeline;
  const peak = tl
    .slice(1)
    .reduce((m, s, i) => Math.max(m, (s.completed - tl[i]!.completed) / Math.max(0.1, s.t_s - tl[i]!.t_s)), 0);
  const elapsed = tl.at(-1)?.t_s ?? r.live.seconds;
  const held = reviews.filter((x) => x.verdict === 'hold' || x.decided_by === 'analyst' || x.decided_by === 'timeout');

  return {
    ...r.envelope,
    parameters: {
      duration_s: r.args.duration,
      rate_per_s: r.args.rate,
      speed: r.args.speed,
      fraud_rate: r.args.fraudRate,
      customers: r.args.customers,
      history_events: r.args.history,
      seed: r.config.generator.seed,
      episode: r.args.episode,
      hold_timeout_s: r.args.holdTimeout,
      kill_at_s: r.args.killAt,
      down_s: r.args.down,
      max_in_flight: f.maxInFlight,
      task_queue: f.taskQueue,
      consumer_group: f.group,
      thresholds: {
        velocity: { count: f.rules.velocity.count, window_s: f.rules.velocity.windowMs / 1000 },
        high_value: {
          amount: f.rules.highValue.amount,
          count: f.rules.highValue.count,
          of_last: f.rules.highValue.ofLast,
        },
        travel: { max_kmh: f.rules.travel.maxKmh, min_km: f.rules.travel.minKm },
        new_device_ratio: f.rules.newDevice.amountRatio,
        outlier_ratio: f.rules.outlier.ratio,
        min_history: f.rules.minHistory,
        review_score: f.scores.review,
        decline_score: f.scores.decline,
      },
    },
    metrics: {
      events: { history: r.history, live: r.live.sent.length, labeled_live: r.live.sent.filter((e) => e.label).length },
      consumer: consumer,
      reviews: {
        started: launcher.started,
        duplicates: launcher.duplicates,
        completed: launcher.completed,
        failed: launcher.failed,
        pending: reviews.filter((x) => x.verdict === null || x.verdict === 'hold').length,
        left_open: r.pipeline.launcher.openReviews(),
      },
      verdicts: {
        by_verdict: count(VERDICTS, (v) => v.verdict),
        by_decider: count(DECIDED_BY, (v) => v.decided_by),
        topic_records: feed.records,
        topic_repeats: feed.repeats,
      },
      workflows_per_s: {
        started_mean: r.live.seconds > 0 ? launcher.started / r.live.seconds : 0,
        completed_mean: elapsed > 0 ? launcher.completed / elapsed : 0,
        completed_peak: peak,
      },
      latency_ms: percentiles(latencies),
      latency_during_outage_ms: percentiles(outage.flatMap((x) => (x.latency_ms === null ? [] : [x.latency_ms]))),
      scoring: { overall: board.overall, patterns: board.patterns, rules: board.rules, declines: board.declines },
      ...(r.live.rate && {
        rate: {
          ...r.live.rate,
          achieved_per_s: r.live.seconds > 0 ? r.live.sent.length / r.live.seconds : 0,
        },
      }),
      backpressure: {
        slot_waits: launcher.waits,
        slot_timeouts: launcher.timedOut,
        in_flight_max: Math.max(0, ...tl.map((x) => x.in_flight)),
        lag_max: Math.max(0, ...tl.map((x) => x.produced - x.consumed)),
        held: held.length,
      },
      activities: r.activities,
      worker: {
        runtime: supervisor.runtime,
        pids: supervisor.pids,
        killed_at_s: killed,
        restarted_at_s: supervisor.at('worker_started', 2),
        ready_again_at_s: readyAgain,
        died: supervisor.loss
          ? { at_s: supervisor.loss.t_s, pid: supervisor.loss.pid, code: supervisor.loss.code }
          : null,
      },
      analyst: samples.analyst,
      interrupted: r.interrupted,
    },
    samples: {
      timeline: samples.timeline,
      events: samples.events.sort((a, b) => a.t_s - b.t_s),
      reviews,
      confusion: board.confusion,
    },
  };
}

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(0)} %`);

export function printSummary(r: Lab05Result, ui: { uiUrl: string | null; namespace: string }): void {
  const m = r.metrics;
  const s = m.scoring;
  console.log(
    table(
      s.patterns.map((p) => ({
        pattern: p.pattern,
        labeled: p.labeled,
        reviewed: p.reviewed,
        declined: p.declined,
        recall: pct(p.recall),
        attacks: p.instances,
        'attacks stopped': pct(p.instance_recall),
        'declines blamed on it': p.attributed,
        precision: pct(p.precision),
      })),
      '\nAgainst ground truth (live events; recall = labeled events declined; precision = declines attributed to the pattern that were it)',
    ),
  );
  console.log(
    `  overall: ${s.overall.declined} declined, ${s.overall.true_declines} of them fraud: precision ${pct(s.overall.precision)}, recall ${pct(s.overall.recall)} of ${s.overall.labeled} labeled`,
  );
  if (s.declines) {
    const by = s.declines.by;
    console.log(
      `  declined by the rules ${by.rules.declined} (${by.rules.fraud} fraud), by an analyst ${by.analyst.declined} (${by.analyst.fraud}), on hold timeout ${by.timeout.declined} (${by.timeout.fraud}): ` +
        `recall without the timeouts' declines ${pct(s.declines.recall_without_timeouts)}`,
    );
  }
  console.log(
    table(
      s.rules.map((x) => ({
        rule: x.rule,
        fired: x.fired,
        'on fraud': x.on_fraud,
        'on its pattern': x.on_own_pattern,
        precision: pct(x.precision ?? null),
        'recall (its pattern)': pct(x.recall ?? null),
      })),
      '\nRules (live events, before any review; precision = fired on fraud / fired)',
    ),
  );
  console.log(
    table(
      [
        { what: 'reviews started', value: m.reviews.started },
        { what: 'redelivered, already started', value: m.reviews.duplicates },
        { what: 'finished', value: m.reviews.completed },
        { what: 'failed', value: m.reviews.failed },
        { what: 'pending at the end', value: m.reviews.pending },
        ...VERDICTS.map((v) => ({ what: `verdict ${v}`, value: m.verdicts.by_verdict[v] })),
        ...DECIDED_BY.map((d) => ({ what: `decided by ${d}`, value: m.verdicts.by_decider[d] })),
        { what: 'workflows/s started (mean)', value: m.workflows_per_s.started_mean },
        { what: 'workflows/s finished (peak second)', value: m.workflows_per_s.completed_peak },
        {
          what: 'review latency p50 / p99 ms',
          value: `${fmt(m.latency_ms.p50)} / ${fmt(m.latency_ms.p99)} (${m.latency_ms.count})`,
        },
        {
          what: 'in flight during the outage p50 / p99 ms',
          value: `${fmt(m.latency_during_outage_ms.p50)} / ${fmt(m.latency_during_outage_ms.p99)} (${m.latency_during_outage_ms.count})`,
        },
      ],
      '\nReviews',
    ),
  );
  const b = m.backpressure;
  if (b)
    console.log(
      b.slot_waits > 0
        ? `\nBackpressure: all ${r.parameters.max_in_flight} review slots were taken ${b.slot_waits === 1 ? 'once' : `${b.slot_waits} times`} (${b.slot_timeouts} waits gave up); the consumer waited, and its lag rose to ${b.lag_max} events. ${b.held} reviews were held, each keeping its slot up to the ${r.parameters.hold_timeout_s} s hold timeout`
        : `\nBackpressure: the ${r.parameters.max_in_flight} review slots were never all taken (at most ${b.in_flight_max} in flight); the consumer's lag peaked at ${b.lag_max} events`,
    );
  const w = m.worker;
  const a = m.activities;
  console.log(
    `\nWorker (${w.runtime}): killed at ${w.killed_at_s?.toFixed(1) ?? '-'} s, restarted at ${w.restarted_at_s?.toFixed(1) ?? '-'} s, polling again at ${w.ready_again_at_s?.toFixed(1) ?? '-'} s (pids ${w.pids.join(' → ')})`,
  );
  console.log(
    `  activities: ${a.activities} scheduled, ${a.attempts} attempts; ran more than once: ${a.retried} (attempts cut off by the kill: ${a.unfinished}, failed: ${a.failed})`,
  );
  console.log(
    `    ${a.finished_unreported} had finished their work but died before reporting it (run again: at-least-once; the writes are idempotent)`,
  );
  console.log(`    run again after the server had recorded them completed: ${a.rerun_after_completion}`);
  console.log(
    `  verdicts topic: ${m.verdicts.topic_records} records, ${m.verdicts.topic_repeats} repeats of a key (a retried publish), read as the latest per key`,
  );
  const open = m.reviews.left_open;
  if (w.died)
    console.log(
      `\nThe worker died at ${w.died.at_s.toFixed(1)} s (pid ${w.died.pid}, exit code ${w.died.code}) without the lab's hand, and the lab stopped early`,
    );
  if (open.length > 0)
    console.log(
      `\n${open.length} reviews left open: Temporal keeps them, and they finish once a worker polls ${r.parameters.task_queue} (\`bun run fraud:worker\`): ${open.slice(0, 3).join(', ')}${open.length > 3 ? ', …' : ''}`,
    );
  else if (m.reviews.pending > 0)
    console.log(
      `\n${m.reviews.pending} reviews were still open when the lab stopped: Temporal keeps them, and they finish once a worker runs (\`bun run fraud:worker\`)`,
    );
  if (m.analyst)
    console.log(
      `\nAnalyst: the lab approved held transaction ${m.analyst.transaction_id} at ${m.analyst.at_s.toFixed(1)} s → ${m.analyst.final_verdict ?? 'not final yet'}`,
    );
  else console.log('\nAnalyst: no live transaction was held long enough to approve one');
  if (ui.uiUrl) {
    console.log(
      `Temporal UI: ${ui.uiUrl}/namespaces/${ui.namespace}/workflows?query=${encodeURIComponent(`WorkflowType="reviewTransaction"`)}`,
    );
    if (m.analyst)
      console.log(`  the approved one: ${ui.uiUrl}/namespaces/${ui.namespace}/workflows/${m.analyst.workflow_id}`);
  }
  if (m.rate) console.log(`live rate ${describeRate(m.rate, m.rate.achieved_per_s)}`);
  console.log(`episode ${r.parameters.episode} (replay with --episode ${r.parameters.episode})`);
}
