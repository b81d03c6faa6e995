#!/usr/bin/env bun
// `bun run bench guarantees`: what lab 07's delivery guarantees cost in throughput. The same seeded input
// (--records, --partitions) goes through each pipeline of lab 07 (lib/guarantees/main.ts as a child,
// started by runPipeline: at most once, at least once and exactly once, into Kafka or SQL), each alone,
// one after another, once per batch size (--batches: records per protocol step; a transaction's fixed
// cost is paid once per batch, so the batch size is what amortises it). Figures are records/s from the
// first batch done to the last (startup and group join left out) and each batch's latency.
//
// Reference, same run, same input, same batch sizes: a kafkajs consumer → settle → producer copy that
// stores no offsets and opens no transaction (bench/guarantees/reference.ts), the ceiling of this
// consume-transform-produce on these engines. At least once adds an offset commit per batch to it; exactly
// once wraps the batch in a transaction instead. Last, the commit rate of one transactional producer
// against retry.initialRetryTime (300 ms is kafkajs's default, 20 ms txlab's), which bounds exactly once
// into Kafka at small batches. Writes data/bench-guarantees.json. Not a test: the numbers depend on the
// machine and on what else runs on it.
import { loadavg } from 'node:os';
import { z } from 'zod';
import { ensureDatabase, openDb } from '../lib/db/connect.ts';
import { migrate } from '../lib/db/migrate.ts';
import { endOffsets } from '../lib/drain.ts';
import { UsageError, count, parseFlags } from '../lib/flags.ts';
import { transactionRate } from '../lib/guarantees/demos.ts';
import { inputMessages, produceInput } from '../lib/guarantees/input.ts';
import { MODES, type Mode, type Pipeline, SINKS, type Sink, namesOf, pipelineId } from '../lib/guarantees/modes.ts';
import { runPipeline } from '../lib/guarantees/run.ts';
import { demoTopic, guaranteeTopicSpecs } from '../lib/guarantees/topics.ts';
import { TRANSACTION_RETRY_MS, TRANSACTION_TIMEOUT_MS } from '../lib/guarantees/transactional.ts';
import { createKafka, ensureTopics, withAdmin } from '../lib/kafka.ts';
import { runLab } from '../lib/lab.ts';
import { percentiles } from '../lib/percentiles.ts';
import { BenchGuaranteesResult } from '../lib/results/bench-guarantees.ts';
import { envelope, newRunId, writeResult } from '../lib/results/write.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { fmt, table } from '../lib/terminal.ts';
import { isolated } from '../lib/testing/isolation.ts';
import { copyReference } from './guarantees/reference.ts';

const list = <T extends string>(all: readonly T[]) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(z.enum(all)).min(1));

const flags = {
  name: 'bun run bench guarantees',
  summary: 'Exactly once against at least once (and at most once): records/s per sink and batch size, same input.',
  shape: {
    records: count().pipe(z.number().min(1_000).max(5_000_000)).default(100_000),
    partitions: count().pipe(z.number().min(1).max(64)).default(6),
    batches: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'expected numbers separated by commas, e.g. 100,500,2000')
      .default('100,500,2000'),
    sinks: list(SINKS).default([...SINKS]),
    modes: list(MODES).default([...MODES]),
    rateMs: count().pipe(z.number().min(500).max(60_000)).default(2_000),
    seed: count().default(7),
  },
  help: {
    records: 'input records (every pipeline reads them all, at every batch size)',
    partitions: 'partitions of the input and output topics',
    batches: 'records per protocol step to sweep (at most; one partition each), e.g. 100,500,2000',
    sinks: 'comma-separated, of kafka, sql',
    modes: 'comma-separated, of at-most-once, at-least-once, exactly-once',
    rateMs: 'how long each transaction-rate measurement runs, ms',
    seed: 'input seed',
  },
};

type Throughput = BenchGuaranteesResult['reference'][number];
const RATE_RETRIES = [300, 100, TRANSACTION_RETRY_MS];
const say = (line: string) => console.log(`bench: ${line}`);

/** records/s from the first batch done to the last: the first batch starts the clock, so its records are left out too. */
function throughput(batch: number, batches: { records: number; ms: number }[], busyMs: number): Throughput {
  const records = batches.reduce((n, b) => n + b.records, 0);
  const timed = records - (batches[0]?.records ?? 0);
  return {
    batch,
    records,
    busy_ms: Math.round(busyMs),
    records_per_s: busyMs > 0 ? (timed / busyMs) * 1000 : 0,
    batches: batches.length,
    batch_ms: percentiles(batches.map((b) => b.ms)),
  };
}

await runLab('bench guarantees', async ({ signal }) => {
  const a = parseFlags(flags);
  const batchSizes = a.batches.split(',').map(Number);
  if (batchSizes.some((b) => b < 1 || b > 10_000))
    throw new UsageError(`--batches: each must be 1–10000 (got ${a.batches})`);
  const runId = newRunId('bench-guarantees');
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;
  await ensureStack({ engines: ['kafka', 'db'], quiet: true });
  // a namespace of its own: the input, output and demo topics, the groups, the transactional ids, the database
  const iso = isolated('bench_guarantees', { TRANSACTIONS_PARTITIONS: String(a.partitions) });
  const c = iso.config;
  const kafka = createKafka('bench-guarantees', c);
  const referenceTopic = `${c.guarantees.output}.reference`;
  const timeoutMs = Math.max(180_000, a.records * 5); // a floor of 200 records/s
  let db: Awaited<ReturnType<typeof openDb>> | undefined;
  try {
    // 1. topics, tables, and the input, written once
    const specs = guaranteeTopicSpecs(c);
    await withAdmin(kafka, (admin) =>
      ensureTopics(admin, [...specs, { ...specs[0]!, topic: referenceTopic, purpose: 'bench: the reference copy' }]),
    );
    await ensureDatabase(c.db.url);
    db = await openDb(c.db.url, 1);
    await migrate(db);
    const from = await endOffsets(kafka, c.guarantees.input);
    await produceInput(
      kafka,
      c.guarantees.input,
      inputMessages({ ...c.generator, seed: a.seed }, a.records, 0, Date.now()),
    );
    const to = await endOffsets(kafka, c.guarantees.input);
    const expected = [...to].reduce((n, [p, high]) => n + high - (from.get(p) ?? 0), 0);
    say(`${fmt(expected)} input records in ${a.partitions} partitions (seed ${a.seed}); ${db.server}`);

    // 2. per batch size: the reference, then each pipeline alone
    const reference: Throughput[] = [];
    const runs: BenchGuaranteesResult['runs'] = [];
    for (const batch of batchSizes) {
      if (signal.aborted) break;
      const copy = await copyReference({
        kafka,
        input: c.guarantees.input,
        output: referenceTopic,
        group: `${c.guarantees.groupPrefix}.reference.b${batch}`,
        from,
        to,
        batch,
        timeoutMs,
      });
      const ref = throughput(batch, copy.batches, copy.busyMs);
      reference.push(ref);
      say(
        `batch ${batch}: reference copy ${fmt(Math.round(ref.records_per_s))} records/s (batch p50 ${ref.batch_ms.p50.toFixed(1)} ms, p99 ${ref.batch_ms.p99.toFixed(1)} ms)`,
      );
      for (const sink of a.sinks)
        for (const mode of a.modes) {
          if (signal.aborted) break;
          const pipeline: Pipeline = { mode, sink };
          const id = pipelineId(pipeline);
          const started = performance.now();
          const run = await runPipeline({
            pipeline,
            // its own run per batch size: exactly once into SQL keeps its input positions per run
            runId: `${runId}.b${batch}`,
            from,
            to,
            batch,
            env: iso.env,
            onLine: (l) => /failed|error/i.test(l) && console.error(`  ${l}`),
            signal,
            timeoutMs,
          });
          const t = throughput(batch, run.batches, run.busyMs);
          const wallMs = performance.now() - started;
          if (t.records !== expected || run.processes !== 1)
            say(`  ${id}: ${fmt(t.records)} records in ${run.processes} processes (expected ${fmt(expected)} in 1)`);
          runs.push({
            ...t,
            pipeline: { id, mode, sink },
            processes: run.processes,
            startup_ms: Math.round(run.ms - run.busyMs),
            wall_ms: Math.round(wallMs),
            vs_reference: ref.records_per_s > 0 ? t.records_per_s / ref.records_per_s : null,
          });
          say(
            `batch ${batch}: ${id} ${fmt(Math.round(t.records_per_s))} records/s (batch p50 ${t.batch_ms.p50.toFixed(1)} ms, p99 ${t.batch_ms.p99.toFixed(1)} ms; ${(wallMs / 1000).toFixed(1)} s in all)`,
          );
          // every SQL run starts from an empty table
          if (sink === 'sql') await db.pool.query('TRUNCATE TABLE guarantee_outputs');
        }
    }

    // 3. one transactional producer's commit rate against its retry backoff
    const rates: BenchGuaranteesResult['transaction_rate'] = [];
    for (const retry of RATE_RETRIES) {
      if (signal.aborted) break;
      const r = await transactionRate(kafka, demoTopic(c), `${c.guarantees.groupPrefix}.rate`, retry, a.rateMs);
      rates.push({ initial_retry_time_ms: r.initialRetryTimeMs, transactions: r.transactions, per_s: r.perS });
      say(`retry.initialRetryTime ${retry} ms: ${r.perS.toFixed(1)} transactions/s`);
    }
    if (signal.aborted) {
      say('stopped before the end: no results file written');
      return;
    }

    // 4. report, write
    const perS = (sink: Sink, mode: Mode, batch: number) =>
      runs.find((r) => r.pipeline.sink === sink && r.pipeline.mode === mode && r.batch === batch)?.records_per_s;
    const over = (x: number | undefined, y: number | undefined) => (x !== undefined && y ? x / y : null);
    const ratios = a.sinks.flatMap((sink) =>
      batchSizes.map((batch) => ({
        sink,
        batch,
        exactly_over_at_least: over(perS(sink, 'exactly-once', batch), perS(sink, 'at-least-once', batch)),
        at_most_over_at_least: over(perS(sink, 'at-most-once', batch), perS(sink, 'at-least-once', batch)),
      })),
    );
    const ms = (x: number) => x.toFixed(1);
    const ratio = (x: number | null) => (x === null ? '-' : x.toFixed(2));
    console.log(
      `\n${table(
        batchSizes.flatMap((batch) => {
          const ref = reference.find((r) => r.batch === batch);
          return [
            ...(ref
              ? [
                  {
                    batch,
                    pipeline: 'reference: copy, no offsets',
                    'records/s': Math.round(ref.records_per_s),
                    'p50 ms': ms(ref.batch_ms.p50),
                    'p99 ms': ms(ref.batch_ms.p99),
                    'vs reference': '1.00',
                  },
                ]
              : []),
            ...runs
              .filter((r) => r.batch === batch)
              .map((r) => ({
                batch,
                pipeline: r.pipeline.id,
                'records/s': Math.round(r.records_per_s),
                'p50 ms': ms(r.batch_ms.p50),
                'p99 ms': ms(r.batch_ms.p99),
                'vs reference': ratio(r.vs_reference),
              })),
          ];
        }),
        `guarantees, ${fmt(expected)} records, ${a.partitions} partitions (load ${loadAtStart.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${navigator.hardwareConcurrency} cores)`,
      )}`,
    );
    console.log(
      `\n${table(
        ratios.map((r) => ({
          sink: r.sink,
          batch: r.batch,
          'exactly / at least once': ratio(r.exactly_over_at_least),
          'at most / at least once': ratio(r.at_most_over_at_least),
        })),
        'records/s ratios, same input and batch size',
      )}`,
    );
    console.log(
      `\n${table(
        rates.map((r) => ({
          'retry.initialRetryTime ms': r.initial_retry_time_ms,
          transactions: r.transactions,
          'per s': r.per_s.toFixed(1),
        })),
        `one transactional producer, one-record transactions back to back for ${a.rateMs / 1000} s`,
      )}`,
    );
    const path = writeResult(BenchGuaranteesResult, {
      ...envelope('bench-guarantees', runId, startedAt),
      parameters: {
        records: expected,
        partitions: a.partitions,
        batches: batchSizes,
        sinks: a.sinks,
        modes: a.modes,
        seed: a.seed,
        rate_ms: a.rateMs,
        transaction_retry_ms: TRANSACTION_RETRY_MS,
        transaction_timeout_ms: TRANSACTION_TIMEOUT_MS,
        database: db.server,
        load_average: { start: loadAtStart, end: loadavg()[0]! },
      },
      reference,
      runs,
      ratios,
      transaction_rate: rates,
    });
    say(`wrote ${path} (${Math.round((Date.now() - startedAt.getTime()) / 1000)} s in all)`);
  } finally {
    await db?.pool.end().catch(() => {});
    await iso.cleanup();
  }
});
