#!/usr/bin/env bun
// Lab 09 — scale: partitions, consumers and brokers swept, a broker killed, and the whole pipeline's ceiling.
//
// Goal: see where adding consumers, partitions or brokers helps and where it stops helping (and why: the
// cores are busy), what a rebalance pauses, what losing a broker costs and that nothing acknowledged is
// lost, and how many events/s the whole pipeline sustains on this machine, with the stage that gave out first.
//
// Four parts, one after another (never at once on 2 cores):
//   sweep      a backlog of --events records drained by 1, 2, 3, P and P + 1 consumer processes (one idle)
//              of a new group each, on a Kafka cluster of the lab's own of 1 broker and then of 3 (RF 3,
//              min.insync.replicas 2): records/s, lag over time, CPU per 1,000 records by process;
//   rebalance  on the 3-broker cluster, a group reading a live stream: a member joins, one leaves, one
//              crashes (SIGKILL): what pauses, for how long, which partitions move;
//   failover   on the 3-broker cluster, steady produce and consume (acks=all): the leader of partition 0
//              SIGKILLed and restarted, then two of three; producer stall, ISR, leader moves, and an exact
//              audit that every acknowledged record is read back;
//   ceiling    the whole pipeline (producer, sink, windows, fraud rules with Temporal reviews) on the
//              embedded stack, the offered rate raised step by step until a stage falls behind.
// The clusters (lib/stack/cluster.ts) have their own ports and data under the OS temp dir and are removed
// at the end; the embedded broker on 9092 is not touched by the first three parts.
//
// What to expect (defaults, 2 cores, ~4 minutes): throughput that stops growing at 2 consumers with the
// cores busy, 3 brokers slower than 1 (replication costs CPU), rebalance pauses of about a second for a
// join or a leave and the session timeout for a crash, a stall of ~10 s when a broker dies with 0
// acknowledged records lost, and a ceiling of a few hundred events/s set by the fraud reviews.
//   bun run lab:09 [--parts sweep,rebalance,failover,ceiling] [--events 100000] [--full] [--budget 45]
import { z } from 'zod';
import { config } from '../lib/config.ts';
import { count, parseFlags, seedFlag } from '../lib/flags.ts';
import { runLab } from '../lib/lab.ts';
import { PARTS, type Part, Lab09Result } from '../lib/results/lab09.ts';
import { envelope, newRunId, writeResult } from '../lib/results/write.ts';
import { CEILING_DEFAULTS, type CeilingReport, ceilingSummary, runCeiling } from '../lib/scale/ceiling.ts';
import { type Failover, runFailover } from '../lib/scale/failover.ts';
import { type RebalanceResult, measureRebalances } from '../lib/scale/rebalance.ts';
import {
  type ClusterRun,
  FULL_SWEEP,
  SWEEP_DEFAULTS,
  type SweepOptions,
  type SweepPoint,
  type SweepResult,
  backlog,
  sweepCluster,
  sweepResult,
} from '../lib/scale/sweep.ts';
import { type KafkaCluster, startCluster } from '../lib/stack/cluster.ts';
import { failoverSummary, rebalanceSummary, sweepSummary } from './09-scale/report.ts';

const split = z.string().transform((s) => s.split(',').map((x) => x.trim()));
/** comma-separated whole numbers within bounds, e.g. `--brokers 1,3` */
const ints = (min: number, max: number) =>
  split.pipe(
    z
      .array(
        z
          .string()
          .regex(/^\d+$/, 'expected comma-separated whole numbers')
          .transform(Number)
          .pipe(z.number().min(min).max(max)),
      )
      .min(1),
  );

const flags = {
  name: 'bun run lab:09',
  summary:
    'Consumers, partitions and brokers swept, rebalances and a broker failure timed, the pipeline ramped to its ceiling.',
  shape: {
    parts: split.pipe(z.array(z.enum(PARTS)).min(1)).default([...PARTS]),
    events: count().pipe(z.number().min(5_000).max(2_000_000)).default(100_000),
    brokers: ints(1, 5).default([...SWEEP_DEFAULTS.brokers]),
    partitions: ints(1, 64).optional(),
    batches: ints(1, 10_000).optional(),
    full: z.boolean().default(false),
    rate: count().pipe(z.number().min(50).max(20_000)).default(500),
    budget: count().pipe(z.number().min(5).max(3_600)).default(45),
    step: count().pipe(z.number().min(2).max(300)).default(8),
    rates: ints(10, 1_000_000).optional(),
    seed: seedFlag(),
  },
  help: {
    parts: `comma-separated, of ${PARTS.join(', ')}`,
    events: 'sweep: backlog records per topic, drained once per point',
    brokers: 'sweep: cluster sizes, each started in turn (rebalance and failover use a 3-broker cluster)',
    partitions: `sweep: partition counts (default ${SWEEP_DEFAULTS.partitions.join(',')}; --full: ${FULL_SWEEP.partitions.join(',')})`,
    batches: `sweep: records per commit (default ${SWEEP_DEFAULTS.batches.join(',')}; --full: ${FULL_SWEEP.batches.join(',')})`,
    full: 'sweep: every consumer count 1…P + 1, partitions 3,6,12 and batches 100,500,2000 (tens of minutes)',
    rate: 'rebalance and failover: events/s of the live stream',
    budget: 'ceiling: seconds of ramp at most (no step starts that would end past it)',
    step: 'ceiling: seconds per offered rate',
    rates: `ceiling: offered events/s, one step each (default ${CEILING_DEFAULTS.rates.join(',')})`,
    seed: 'generator seed (default: new each run)',
  },
};

await runLab('lab 09', async ({ signal }) => {
  const a = parseFlags(flags);
  const c = config();
  const say = (line: string) => console.log(`lab 09: ${line}`);
  const note = (line: string) => console.log(`  ${line}`);
  const runId = newRunId('09');
  const startedAt = new Date();
  const seed = a.seed ?? Math.floor(Math.random() * 2 ** 31);
  const parts = new Set<Part>(a.parts);
  const seconds: Partial<Record<Part, number>> = {};
  const timed = async <T>(part: Part, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      seconds[part] = (seconds[part] ?? 0) + (performance.now() - t0) / 1000;
    }
  };

  let sweep: SweepResult | null = null;
  let rebalance: RebalanceResult | null = null;
  let failover: Failover | null = null;
  let ceiling: CeilingReport | null = null;

  // 1–3. the clusters of the lab's own: the sweep on each size; rebalance and failover on the 3-broker one
  const sweepOptions: SweepOptions = {
    brokers: a.brokers,
    partitions: a.partitions ?? (a.full ? [...FULL_SWEEP.partitions] : undefined),
    batches: a.batches ?? (a.full ? [...FULL_SWEEP.batches] : undefined),
    full: a.full,
    events: a.events,
    seed,
    note,
    signal,
  };
  const sizes = [
    ...new Set([
      ...(parts.has('sweep') ? a.brokers : []),
      ...(parts.has('rebalance') || parts.has('failover') ? [3] : []),
    ]),
  ].sort((x, y) => x - y);
  const events = parts.has('sweep') ? backlog(a.events, seed) : [];
  const clusters: ClusterRun[] = [];
  const points: SweepPoint[] = [];
  for (const size of sizes) {
    if (signal.aborted) break;
    say(`starting a Kafka cluster of ${size} broker${size > 1 ? 's' : ''} of the lab's own`);
    const t0 = performance.now();
    let cluster: KafkaCluster | undefined;
    try {
      cluster = await startCluster(size, { heapMb: SWEEP_DEFAULTS.heapMb, note });
      const startMs = Math.round(performance.now() - t0);
      say(`cluster up in ${(startMs / 1000).toFixed(1)} s: ${cluster.bootstrap}`);
      if (parts.has('sweep') && a.brokers.includes(size)) {
        say(`sweep on ${size} broker${size > 1 ? 's' : ''}: ${a.events.toLocaleString('en-US')} records per topic`);
        const r = await timed('sweep', () => sweepCluster(cluster!, events, sweepOptions));
        clusters.push({ brokers: size, heap_mb: SWEEP_DEFAULTS.heapMb, start_ms: startMs, fills: r.fills });
        points.push(...r.points);
      }
      if (size === 3 && parts.has('rebalance') && !signal.aborted) {
        say(`rebalance: a group reading ${a.rate} events/s; a member joins, one leaves, one crashes`);
        rebalance = await timed('rebalance', () =>
          measureRebalances({ cluster: cluster!, rate: a.rate, seed, note, signal }),
        );
      }
      if (size === 3 && parts.has('failover') && !signal.aborted) {
        say(`failover: ${a.rate} events/s with acks=all; one broker killed, then two of three`);
        failover = await timed('failover', () => runFailover({ cluster: cluster!, rate: a.rate, seed, note, signal }));
      }
    } finally {
      await cluster?.stop({ graceMs: 0 });
    }
  }
  if (parts.has('sweep') && points.length > 0)
    sweep = sweepResult(sweepOptions, seed, clusters, points, Math.round((seconds.sweep ?? 0) * 1000));

  // 4. the whole pipeline on the embedded stack
  if (parts.has('ceiling') && !signal.aborted) {
    say(`ceiling: the whole pipeline on the embedded stack, ${a.step} s per rate, ${a.budget} s of ramp at most`);
    ceiling = await timed('ceiling', () =>
      runCeiling({ rates: a.rates, stepS: a.step, budgetS: a.budget, seed, signal, log: note }),
    );
  }
  if (signal.aborted) {
    say('stopped before the end: no results file written');
    return;
  }

  if (sweep) console.log(sweepSummary(sweep));
  if (rebalance) console.log(rebalanceSummary(rebalance));
  if (failover) console.log(failoverSummary(failover));
  if (ceiling) console.log(ceilingSummary(ceiling));
  const skipped = PARTS.filter((p) => !parts.has(p)).map((part) => ({ part, why: 'not in --parts' }));
  const result = {
    ...envelope('09-scale', runId, startedAt, c),
    parameters: { parts: a.parts, seed },
    metrics: {
      sweep,
      rebalance,
      failover,
      ceiling,
      skipped,
      seconds: Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, Math.round(v * 10) / 10])),
      ok: (failover?.broken.length ?? 0) === 0,
    },
  };
  say(`wrote ${writeResult(Lab09Result, result)}`);
  if (failover && failover.broken.length > 0)
    throw new Error(`lab 09: the broker failure broke a promise: ${failover.broken.join('; ')}`);
});
