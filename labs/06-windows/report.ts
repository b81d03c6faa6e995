// Lab 06's read-back of its output topics, its results file and its summary table.
import type { Kafka } from 'kafkajs';
import type { Config } from '../../lib/config.ts';
import type { Disordered } from '../../lib/generator/disorder.ts';
import type { DeliveryStats } from '../../lib/produce.ts';
import { percentiles } from '../../lib/percentiles.ts';
import type { Lab06Result, ViewCheck } from '../../lib/results/lab06.ts';
import { envelope } from '../../lib/results/write.ts';
import type { Transaction } from '../../lib/schema.ts';
import { table } from '../../lib/terminal.ts';
import type { Anomaly } from '../../lib/windows/anomalies.ts';
import type { LateEvent, View } from '../../lib/windows/operator.ts';
import { sessionize } from '../../lib/windows/sessions.ts';
import type { StoredResult } from '../../lib/windows/store.ts';
import { streamRate } from '../../lib/generator/stream-rate.ts';
import type { IdleReplay } from './idle-replay.ts';
import type { InputPlan } from './input.ts';
import type { SqlRecompute } from './sql-recompute.ts';
import { type Offsets, drainRange } from '../../lib/drain.ts';

export type Outputs = { late: LateEvent[]; anomalies: Anomaly[] };

/** The late and anomaly topics over the run, each record once (a replay after the kill sends some again). */
export async function readOutputs(
  kafka: Kafka,
  topics: Config['topics'],
  from: { late: Offsets; anomalies: Offsets },
  to: { late: Offsets; anomalies: Offsets },
): Promise<Outputs> {
  const once = <T>(records: T[], id: (x: T) => string) => [...new Map(records.map((r) => [id(r), r])).values()];
  const read = async <T>(topic: string, f: Offsets, t: Offsets) =>
    [...(await drainRange(kafka, topic, f, t)).values()].flat().map((m) => JSON.parse(m.value!.toString()) as T);
  return {
    late: once(await read<LateEvent>(topics.late, from.late, to.late), (l) => `${l.view}|${l.transaction_id}`),
    anomalies: once(
      await read<Anomaly>(topics.anomalies, from.anomalies, to.anomalies),
      (x) => `${x.reason}|${x.view}|${x.start}|${x.key}`,
    ),
  };
}

export const SESSION_GAP_MS = 30_000;

export type Lab06Run = {
  runId: string;
  startedAt: Date;
  config: Config;
  args: {
    duration: number;
    rate: number;
    window: number;
    bound: number;
    lateness: number;
    lateShare: number;
    idle: number;
    idleFor: number;
  };
  seed: number;
  plan: InputPlan;
  tailS: number;
  group: string;
  sent: Disordered[];
  stats: DeliveryStats;
  checks: ViewCheck[];
  expectedLate: number;
  outputs: Outputs;
  perPartition: Map<number, Transaction[]>;
  kill: Lab06Result['metrics']['kill'];
  idleReplay: IdleReplay;
  watermark: Lab06Result['samples']['watermark'];
  resultDelaysS: number[];
  stored: StoredResult[];
  sqlRecompute: SqlRecompute;
  views: View[];
};

export function buildResult(r: Lab06Run): Lab06Result {
  const t0 = r.plan.t0;
  const s = (ms: number) => (ms - t0) / 1000;
  const inMeasured = (ms: number) => ms >= t0 && ms < r.plan.measuredEndMs;
  const measured = r.sent.filter((x) => inMeasured(x.eventMs));

  // high-frequency customers against the generator's velocity bursts (those that start in the measured period)
  const bursts = new Map<string, { customer: string; times: number[] }>();
  for (const x of r.sent)
    if (x.label?.pattern === 'velocity_burst') {
      const b = bursts.get(x.label.instance) ?? { customer: x.label.customer_id, times: [] };
      b.times.push(x.eventMs);
      bursts.set(x.label.instance, b);
    }
  const labeledBy = new Map<string, number[]>();
  for (const b of bursts.values()) labeledBy.set(b.customer, [...(labeledBy.get(b.customer) ?? []), ...b.times]);
  const measuredBursts = [...bursts.values()].filter((b) => inMeasured(Math.min(...b.times)));
  // windows that overlap the measured period (the tail closes them)
  const frequent = r.outputs.anomalies.filter((a) => a.reason === 'high_frequency' && a.start < r.plan.measuredEndMs);
  const holds = (a: Anomaly, t: number) => t >= a.start && t < a.end;
  const labeled = (a: Anomaly) => (labeledBy.get(a.key) ?? []).some((t) => holds(a, t));
  const caught = measuredBursts.filter((b) =>
    frequent.some((a) => a.key === b.customer && b.times.some((t) => holds(a, t))),
  ).length;

  // sessions per customer, over what each partition holds
  const sessions = [...r.perPartition].map(([partition, events]) =>
    sessionize(
      events.filter((e) => Date.parse(e.timestamp) < r.plan.measuredEndMs),
      {
        gapMs: SESSION_GAP_MS,
        boundMs: r.plan.boundMs,
        latenessMs: r.args.lateness * 1000,
        key: (e) => e.customer_id,
        partition,
      },
    ),
  );
  const allSessions = sessions.flatMap((x) => x.sessions);
  const sizes = new Map<number, number>();
  for (const x of allSessions) sizes.set(x.aggregate.count, (sizes.get(x.aggregate.count) ?? 0) + 1);

  const late = r.outputs.late.filter((l) => inMeasured(l.eventMs));
  return {
    ...envelope('06-windows', r.runId, r.startedAt, r.config),
    parameters: {
      duration_s: r.args.duration,
      tail_s: r.tailS,
      rate_per_s: r.args.rate,
      window_s: r.args.window,
      bound_s: r.args.bound,
      lateness_s: r.args.lateness,
      idle_timeout_s: r.args.idle,
      late_share: r.args.lateShare,
      late_by_s: r.plan.lateByMs / 1000,
      idle_partition: r.plan.idle.partition,
      idle_from_s: s(r.plan.idle.fromMs),
      idle_to_s: s(r.plan.idle.toMs),
      kill_at_s: r.kill?.at_s ?? null,
      seed: r.seed,
      partitions: r.plan.partitions,
      topic: r.config.topics.transactions,
      group: r.group,
    },
    metrics: {
      produced: { acked: r.stats.acked, failed: r.stats.failed, measured: measured.length },
      rate: {
        ...streamRate({
          base: r.args.rate,
          peakFactor: r.config.generator.peakFactor,
          fromMs: t0,
          toMs: r.plan.measuredEndMs,
        }),
        achieved_per_s: measured.length / r.args.duration,
      },
      views: r.checks,
      exact: r.checks.every((v) => v.differ + v.missing + v.extra === 0) && r.sqlRecompute.differ === 0,
      sql_recompute: r.sqlRecompute,
      late: {
        total: late.length,
        watermark: late.filter((l) => l.reason === 'watermark').length,
        closed: late.filter((l) => l.reason === 'closed').length,
        expected_watermark: r.expectedLate,
        delayed: measured.filter((x) => x.delayedLate).length,
      },
      kill: r.kill,
      result_delay_s: percentiles(r.resultDelaysS),
      idle: { stall_with_timeout_s: r.idleReplay.stallWithS, stall_without_timeout_s: r.idleReplay.stallWithoutS },
      anomalies: {
        high_frequency: frequent.length,
        merchant_spike: r.outputs.anomalies.filter((a) => a.reason === 'merchant_spike').length,
        velocity_instances: measuredBursts.length,
        velocity_caught: caught,
        high_frequency_labeled: frequent.filter(labeled).length,
      },
      sessions: {
        gap_s: SESSION_GAP_MS / 1000,
        count: allSessions.length,
        max_events: Math.max(0, ...allSessions.map((x) => x.aggregate.count)),
        mean_events: allSessions.length
          ? allSessions.reduce((a, x) => a + x.aggregate.count, 0) / allSessions.length
          : 0,
        late: sessions.reduce((a, x) => a + x.late.length, 0),
      },
    },
    samples: {
      watermark: r.watermark,
      idle_replay: r.idleReplay.samples,
      category: r.stored
        .filter((x) => x.view.startsWith('category_') && x.end <= r.plan.measuredEndMs)
        .map((x) => ({ view: x.view, key: x.key, start_s: s(x.start), end_s: s(x.end), count: x.count, sum: x.sum })),
      late: late.map((l) => ({
        view: l.view,
        reason: l.reason,
        lateness_s: l.latenessMs / 1000,
        event_s: s(l.eventMs),
      })),
      anomalies: r.outputs.anomalies.map((a) => ({
        reason: a.reason,
        key: a.key,
        start_s: s(a.start),
        end_s: s(a.end),
        count: a.count,
        score: a.score,
        labeled: a.reason === 'high_frequency' && labeled(a),
      })),
      session_sizes: [...sizes].sort((a, b) => a[0] - b[0]).map(([events, n]) => ({ events, sessions: n })),
    },
  };
}

export function printSummary(r: Lab06Run) {
  const m = buildResult(r).metrics;
  console.log(
    `\n${table(
      m.views.map((v) => ({
        view: v.view,
        windows: v.spec,
        expected: v.expected,
        matched: v.matched,
        differ: v.differ,
        missing: v.missing,
        extra: v.extra,
      })),
      'lab 06: every final window of the measured period against the ground truth',
    )}`,
  );
  for (const v of m.views) for (const e of v.examples) console.log(`  ${e}`);
  const q = m.sql_recompute;
  console.log(
    `  SQL recompute of ${q.view} from the sink's rows (GROUP BY, the late ones left out): ${q.matched} of ${q.windows} windows equal${q.differ ? `, ${q.differ} DIFFER` : ''}`,
  );
  for (const e of q.examples) console.log(`  ${e}`);
  console.log(
    [
      `  produced ${m.produced.acked} (${m.produced.measured} in the measured period), ${m.produced.failed} failed`,
      `  late (event, view) pairs: ${m.late.total} — ${m.late.watermark} behind their partition's watermark (ground truth: ${m.late.expected_watermark}), ${m.late.closed} after their windows closed without their idle partition; ${m.late.delayed} events were delayed late on purpose`,
      `  idle partition: the watermark stood still ${m.idle.stall_with_timeout_s.toFixed(1)} s at most with the idle timeout, ${m.idle.stall_without_timeout_s.toFixed(1)} s without (replayed)`,
      `  category_tumbling window end → result stored: p50 ${m.result_delay_s.p50.toFixed(2)} s, p99 ${m.result_delay_s.p99.toFixed(2)} s (bound + lateness = ${r.args.bound + r.args.lateness} s)`,
      m.kill
        ? `  kill: SIGKILL at ${m.kill.at_s.toFixed(1)} s after ${m.kill.events_before} events, restarted at ${m.kill.restarted_at_s.toFixed(1)} s, emitting again at ${m.kill.emitting_again_s?.toFixed(1) ?? '—'} s (the group waits out the dead member's session), ${m.kill.resumed_from_commit ? 'resumed from its commits' : 'did NOT resume from a commit'}`
        : '  kill: none (--no-kill)',
      `  anomalies: ${m.anomalies.high_frequency} high-frequency customer windows (${m.anomalies.high_frequency_labeled} hold a velocity burst), ${m.anomalies.velocity_caught} of ${m.anomalies.velocity_instances} velocity bursts caught; ${m.anomalies.merchant_spike} merchant spikes`,
      `  sessions (gap ${m.sessions.gap_s} s): ${m.sessions.count}, mean ${m.sessions.mean_events.toFixed(2)} events, max ${m.sessions.max_events}`,
      m.exact ? '  every window exact.' : '  SOME WINDOWS DIFFER.',
    ].join('\n'),
  );
}

/**
 * What makes the run a failure, in words (empty: it passed). Besides the windows: nothing to check is no
 * pass; the late events must be exactly those the ground truth finds late; and only the partition the
 * lab keeps quiet may have windows closed without it (a 'closed' record from any other one would hide a
 * lost event behind the idle timeout).
 */
export function verdict(m: Lab06Result['metrics'], quietPartition: number, outputs: Outputs): string[] {
  const out: string[] = [];
  for (const v of m.views) {
    if (v.expected === 0) out.push(`nothing to check in ${v.view} (a longer --duration?)`);
    const bad = v.differ + v.missing + v.extra;
    if (bad > 0) out.push(`${bad} windows of ${v.view} differ from the ground truth`);
  }
  const q = m.sql_recompute;
  if (q.windows === 0) out.push('nothing recomputed in SQL');
  if (q.differ > 0) out.push(`${q.differ} ${q.view} windows differ from the SQL recompute`);
  if (m.late.watermark !== m.late.expected_watermark)
    out.push(
      `${m.late.watermark} events late by the watermark on the late topic, the ground truth finds ${m.late.expected_watermark}`,
    );
  const elsewhere = outputs.late.filter((l) => l.reason === 'closed' && l.partition !== quietPartition);
  if (elsewhere.length > 0)
    out.push(
      `${elsewhere.length} events of partitions other than the quiet one (${quietPartition}) were left out of closed windows: ${elsewhere
        .slice(0, 3)
        .map((l) => `${l.view} ${l.transaction_id} (partition ${l.partition})`)
        .join(', ')}`,
    );
  return out;
}
