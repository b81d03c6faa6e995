// Lab 02's report: delivery per phase, injected fraud and produce latency as tables, and the same
// figures with their samples (inter-arrival gaps, events per hour, latency) as data/02-producer.json.
import type { Config } from '../../lib/config.ts';
import {
  type Scheduled,
  checkPatterns,
  isPeakHour,
  PEAK_END_HOUR,
  PEAK_START_HOUR,
} from '../../lib/generator/index.ts';
import { percentiles, thin } from '../../lib/percentiles.ts';
import type { DeliveryStats, Topics } from '../../lib/produce.ts';
import type { Lab02Result } from '../../lib/results/lab02.ts';
import { envelope } from '../../lib/results/write.ts';
import { fmt, table } from '../../lib/terminal.ts';
import { arrivals } from './arrivals.ts';
import type { Tick } from './progress.ts';
import { describeRate, streamRate } from '../../lib/generator/stream-rate.ts';

/** What a phase delivered: the events Kafka acknowledged, their delivery reports, how long it took. */
export type Phase = { stats: DeliveryStats; events: Scheduled[]; seconds: number };

export type Lab02Run = {
  runId: string;
  startedAt: Date;
  config: Config;
  args: { duration: number; rate: number; backfill: number; client: 'kafkajs' | 'librdkafka' };
  topics: Topics;
  backfill: Phase;
  live: Phase & { startMs: number; ticks: Tick[] };
  interrupted: boolean;
};

/** The figures both the tables and the file show. */
function figures(r: Lab02Run) {
  const all = [...r.backfill.events, ...r.live.events];
  const sent = r.live.events;
  const fraud: Record<string, number> = {};
  for (const e of all) if (e.label) fraud[e.label.pattern] = (fraud[e.label.pattern] ?? 0) + 1;
  const share = (events: readonly Scheduled[]) =>
    events.length ? events.filter((e) => e.label).length / events.length : 0;
  // the live phase's latency is the one a real-time producer sees; the backfill's is a bulk load's
  const latencies = r.live.stats.latencies.length ? r.live.stats.latencies : r.backfill.stats.latencies;
  const plan = streamRate({
    base: r.args.rate,
    peakFactor: r.config.generator.peakFactor,
    fromMs: r.live.startMs,
    toMs: r.live.startMs + r.live.seconds * 1000,
  });
  return {
    all,
    // when the acked live events were due, and when their requests went to the broker
    arrivals: arrivals(r.live.stats.times),
    plan,
    target: plan.target_per_s,
    fraud,
    // what the labels claim, checked against what was acked: each pattern with all its events
    labeledShare: { backfill: share(r.backfill.events), live: share(sent) },
    patterns: checkPatterns(all),
    declined: all.filter((e) => e.event.status === 'declined').length,
    latencies,
    latency: percentiles(latencies),
  };
}

export function printSummary(r: Lab02Run): void {
  const f = figures(r);
  const [bf, live] = [r.backfill, r.live];
  console.log(
    table(
      [
        {
          phase: 'backfill',
          events: bf.stats.sent,
          acked: bf.stats.acked,
          failed: bf.stats.failed,
          seconds: bf.seconds,
          'events/s': bf.seconds ? bf.stats.acked / bf.seconds : 0,
          'target/s': '-',
        },
        {
          phase: 'live',
          events: live.stats.sent,
          acked: live.stats.acked,
          failed: live.stats.failed,
          seconds: live.seconds,
          'events/s': live.stats.acked / live.seconds,
          'target/s': fmt(f.target),
        },
      ],
      '\nDelivery',
    ),
  );
  const a = f.arrivals;
  const delay = percentiles(a.delays);
  // librdkafka batches queued records into requests itself: lab 02 sees when each was queued, not requests
  const carried =
    r.args.client === 'librdkafka'
      ? 'queued one by one; librdkafka forms the requests'
      : `in ${fmt(a.requests)} requests`;
  console.log(
    `  live rate: ${describeRate(f.plan, live.stats.acked / live.seconds)}\n` +
      `  live arrivals: mean gap ${fmt(mean(a.scheduledGaps) * 1000)} ms as scheduled, ${fmt(mean(a.sendGaps) * 1000)} ms as sent` +
      ` (${fmt(live.stats.acked)} events ${carried}); sent after their scheduled time by p50 ${delay.p50} ms, p99 ${delay.p99} ms`,
  );
  console.log(
    table(
      Object.entries(f.fraud).map(([pattern, events]) => ({ 'fraud pattern': pattern, 'labeled events': events })),
      `\nInjected fraud (labels on ${r.topics.labels})`,
    ),
  );
  const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
  const { total, broken } = f.patterns;
  console.log(
    `  labeled: ${pct(f.labeledShare.backfill)} of the backfill, ${pct(f.labeledShare.live)} of the live stream` +
      ` (FRAUD_RATE ${pct(r.config.generator.fraudRate)}); ${total} patterns, ` +
      (broken.length ? `${broken.length} not whole:` : 'all whole'),
  );
  for (const b of broken.slice(0, 5)) console.log(`    ${b.instance}: ${b.why}`);
  console.log(
    `\n  declined: ${fmt(f.declined)} of ${fmt(f.all.length)}   live produce latency ms: p50 ${f.latency.p50}  p99 ${f.latency.p99}  max ${f.latency.max}`,
  );
  for (const [error, n] of [...bf.stats.errors, ...live.stats.errors]) console.log(`  failed: ${n} records: ${error}`);
}

export function buildResult(r: Lab02Run): Lab02Result {
  const f = figures(r);
  const g = r.config.generator;
  const phase = (p: Phase) => ({
    events: p.stats.sent,
    acked: p.stats.acked,
    failed: p.stats.failed,
    seconds: p.seconds,
    events_per_s: p.seconds > 0 ? p.stats.acked / p.seconds : 0,
  });
  return {
    ...envelope('02-producer', r.runId, r.startedAt, r.config),
    parameters: {
      duration_s: r.args.duration,
      rate_per_s: r.args.rate,
      peak_factor: g.peakFactor,
      peak_hours_utc: [PEAK_START_HOUR, PEAK_END_HOUR],
      backfill_events: r.args.backfill,
      init_mode: r.config.initMode,
      seed: g.seed,
      fraud_rate: g.fraudRate,
      declined_rate: g.declinedRate,
      customers: g.customerCount,
      merchants: g.merchantCount,
      topic: r.topics.transactions,
      client: r.args.client,
    },
    metrics: {
      backfill: phase(r.backfill),
      live: {
        ...phase(r.live),
        peak_share: f.plan.peak_share,
        target_rate_per_s: f.target,
        achieved_rate_per_s: r.live.stats.acked / r.live.seconds,
        mean_scheduled_gap_s: mean(f.arrivals.scheduledGaps),
        mean_send_gap_s: mean(f.arrivals.sendGaps),
        requests: r.args.client === 'kafkajs' ? f.arrivals.requests : null,
        send_delay_ms: percentiles(f.arrivals.delays),
      },
      fraud_events: f.fraud,
      labeled_share: f.labeledShare,
      fraud_patterns: { total: f.patterns.total, broken: f.patterns.broken.length },
      declined_events: f.declined,
      total_events: f.all.length,
      produce_latency_ms: f.latency,
      interrupted: r.interrupted,
    },
    samples: {
      scheduled_gap_s: thin(f.arrivals.scheduledGaps, 20_000),
      send_gap_s: thin(f.arrivals.sendGaps, 20_000),
      send_delay_ms: thin(f.arrivals.delays, 5000),
      lambda_per_s: f.target,
      events_per_hour: eventsPerHour(f.all),
      produce_latency_ms: thin(f.latencies, 5000),
      progress: r.live.ticks,
    },
  };
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

function eventsPerHour(events: readonly Scheduled[]) {
  const buckets = new Map<number, number>();
  for (const e of events) {
    const h = Math.floor(e.timeMs / 3_600_000);
    buckets.set(h, (buckets.get(h) ?? 0) + 1);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([h, n]) => ({ hour: new Date(h * 3_600_000).toISOString(), events: n, peak: isPeakHour(h * 3_600_000) }));
}
