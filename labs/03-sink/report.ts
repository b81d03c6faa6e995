// Lab 03's report: what was stored against what was sent (each check ✓ or ✗), throughput and latency,
// as tables, and the same figures with their samples as data/03-sink.json.
import type { Config } from '../../lib/config.ts';
import type { Db } from '../../lib/db/connect.ts';
import { percentiles, thin } from '../../lib/percentiles.ts';
import type { DeliveryStats } from '../../lib/produce.ts';
import type { CpuOver } from '../../lib/results/cpu.ts';
import type { Lab03Result } from '../../lib/results/lab03.ts';
import { envelope } from '../../lib/results/write.ts';
import { REJECT_REASONS } from '../../lib/sink/counters.ts';
import { fmt, table } from '../../lib/terminal.ts';
import type { Backlog } from './backlog.ts';
import { describeCpu } from './cpu.ts';
import type { FeedResult } from './feed.ts';
import type { LabInput } from './input.ts';
import type { Measured } from './measure.ts';
import type { TimelinePoint } from './monitor.ts';
import { describeRate, type StreamRatePlan } from '../../lib/generator/stream-rate.ts';

export type Lab03Run = {
  runId: string;
  startedAt: Date;
  config: Config;
  args: {
    duration: number;
    rate: number;
    events: number;
    bad: number;
    sinks: number;
    batch: number;
    concurrency: number;
    client: 'kafkajs' | 'librdkafka';
  };
  seed: number;
  db: Pick<Db, 'server' | 'dialect'>;
  input: LabInput;
  /** the burst as Kafka acknowledged it */
  fed: FeedResult;
  /** seconds from the burst's first send until the group had committed it all */
  burstSeconds: number;
  live: DeliveryStats;
  /** CPU of this process, the sinks, the database and the broker over the live stream */
  liveCpu: CpuOver;
  /** the live stream's rate: asked, target with the peak factor, achieved */
  rate: StreamRatePlan & { achieved_per_s: number };
  /** what the group stored before this run's input, counted in none of the other figures */
  backlog: Backlog;
  timeline: TimelinePoint[];
  measured: Measured;
  drained: boolean;
  interrupted: boolean;
};

/** The figures both the tables and the file show. */
function figures(r: Lab03Run) {
  const burstRows = r.fed.acked - r.input.bad.length;
  const busy = r.timeline.filter((t) => t.rows_per_s > 0);
  return {
    burstRows,
    expected: burstRows + r.live.acked,
    injected: Object.fromEntries(
      REJECT_REASONS.map((reason) => [reason, r.input.bad.filter((b) => b.bad === reason).length]),
    ) as Record<(typeof REJECT_REASONS)[number], number>,
    peak: Math.max(0, ...busy.map((t) => t.rows_per_s)),
    eventToRow: percentiles(r.measured.rows.eventToRowMs),
    appendToRow: percentiles(r.measured.rows.appendToRowMs),
    writeRows: percentiles(r.measured.sinks.write_rows),
    writeMs: percentiles(r.measured.sinks.write_ms),
  };
}

export function printSummary(r: Lab03Run): void {
  const f = figures(r);
  const { rows, aggregates: agg, sinks: merged } = r.measured;
  const check = (ok: boolean) => (ok ? '✓' : '✗');
  const b = r.backlog;
  console.log(
    b.messages > 0
      ? `\nBefore this run: ${fmt(b.messages)} messages left on the topic by earlier runs, stored first (${fmt(b.rows_inserted)} rows, ${fmt(b.duplicates)} duplicates, ${fmt(b.dead_lettered)} dead-lettered) in ${b.seconds.toFixed(1)} s. Every figure below counts this run's messages only.`
      : "\nNo backlog: the group had stored everything on the topic before this run. Every figure below counts this run's messages only.",
  );
  console.log(
    table(
      [
        { what: 'good messages produced this run', count: f.expected, check: '' },
        // a replayed --seed sends ids that are stored already: the sinks skip them as duplicates
        {
          what: 'rows stored for this run',
          count: rows.stored,
          check: check(rows.stored <= f.expected && rows.stored + merged.duplicates >= f.expected),
        },
        ...(merged.duplicates > 0
          ? [{ what: 'already stored (skipped as duplicates)', count: merged.duplicates, check: '' }]
          : []),
        {
          what: 'distinct transaction ids among them',
          count: rows.distinct_ids,
          check: check(rows.distinct_ids === rows.stored),
        },
        ...REJECT_REASONS.map((reason) => ({
          what: `dead-lettered: ${reason} (sent ${f.injected[reason]})`,
          count: merged.dlq[reason],
          check: check(merged.dlq[reason] >= f.injected[reason]),
        })),
        {
          what: `aggregate buckets ≠ GROUP BY (of ${fmt(agg.buckets)})`,
          count: agg.mismatches.length,
          check: check(agg.mismatches.length === 0),
        },
      ],
      '\nWhat was stored',
    ),
  );
  const [e2r, a2r] = [f.eventToRow, f.appendToRow];
  console.log(
    table(
      [
        {
          measure: `burst: ${fmt(f.burstRows)} rows sent and stored in ${r.burstSeconds.toFixed(1)} s (rows/s; best second)`,
          value: `${fmt(Math.round(r.burstSeconds > 0 ? f.burstRows / r.burstSeconds : 0))}; ${fmt(Math.round(f.peak))}`,
        },
        {
          measure: `live: ${fmt(r.live.acked)} events acknowledged`,
          value: describeRate(r.rate, r.rate.achieved_per_s),
        },
        { measure: 'live: CPU (cores each process used)', value: describeCpu(r.liveCpu) },
        { measure: 'rows per database write p50 / max', value: `${fmt(f.writeRows.p50)} / ${fmt(f.writeRows.max)}` },
        { measure: 'database write ms p50 / p99', value: `${f.writeMs.p50} / ${f.writeMs.p99}` },
        {
          measure: `event → row ms, live (n=${fmt(e2r.count)}) p50 / p99 / p99.9`,
          value: `${e2r.p50} / ${e2r.p99} / ${e2r.p999}`,
        },
        {
          measure: `Kafka append → row ms, all (n=${fmt(a2r.count)}) p50 / p99 / p99.9`,
          value: `${a2r.p50} / ${a2r.p99} / ${a2r.p999}`,
        },
        {
          measure: 'sink busy time: decode / db writes / DLQ sends (s)',
          value: (['decode', 'db', 'dlq'] as const).map((k) => (merged.time_ms[k] / 1000).toFixed(1)).join(' / '),
        },
        { measure: 'retries / duplicates skipped', value: `${merged.retries} / ${fmt(merged.duplicates)}` },
      ],
      '\nThroughput and latency',
    ),
  );
}

export function buildResult(r: Lab03Run): Lab03Result {
  const f = figures(r);
  const { rows, aggregates: agg, sinks: merged } = r.measured;
  const c = r.config;
  return {
    ...envelope('03-sink', r.runId, r.startedAt, c),
    parameters: {
      duration_s: r.args.duration,
      rate_per_s: r.args.rate,
      backfill_events: r.args.events,
      bad_per_class: r.args.bad,
      sinks: r.args.sinks,
      batch_rows: r.args.batch,
      concurrency: r.args.concurrency,
      client: r.args.client,
      seed: r.seed,
      topic: c.topics.transactions,
      dlq_topic: c.topics.dlq,
      group: c.sink.group,
      database: r.db.server,
      dialect: r.db.dialect,
    },
    metrics: {
      produced: { backfill: f.burstRows, live: r.live.acked, bad: f.injected, failed: r.fed.failed + r.live.failed },
      rows: { expected: f.expected, stored: rows.stored, distinct_ids: rows.distinct_ids },
      sink: {
        messages: merged.messages,
        rows_inserted: merged.rows_inserted,
        duplicates: merged.duplicates,
        db_writes: merged.db_writes,
        retries: merged.retries,
        dlq: merged.dlq,
        time_ms: merged.time_ms,
      },
      batch_rows: f.writeRows,
      write_ms: f.writeMs,
      rows_per_s: {
        burst: r.burstSeconds > 0 ? f.burstRows / r.burstSeconds : 0,
        burst_seconds: r.burstSeconds,
        peak: f.peak,
      },
      backlog: {
        messages: r.backlog.messages,
        rows_inserted: r.backlog.rows_inserted,
        duplicates: r.backlog.duplicates,
        dead_lettered: r.backlog.dead_lettered,
        seconds: r.backlog.seconds,
      },
      live_rate: r.rate,
      live_cpu: r.liveCpu,
      event_to_row_ms: f.eventToRow,
      append_to_row_ms: f.appendToRow,
      aggregates: { buckets: agg.buckets, mismatches: agg.mismatches.length },
      drained: r.drained,
      interrupted: r.interrupted,
    },
    samples: {
      timeline: r.timeline,
      event_to_row_ms: thin(rows.eventToRowMs, 5000),
      append_to_row_ms: thin(rows.appendToRowMs, 5000),
      batch_rows: thin(merged.write_rows, 2000),
    },
  };
}
