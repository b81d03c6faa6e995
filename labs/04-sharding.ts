#!/usr/bin/env bun
// Lab 04 — sharding, indexes and precomputed aggregates: seed 001's "sub-50 ms queries", measured.
//
// Goal: make visible what seed 001 only claims. The transactions table is partitioned by
// KEY(customer_id) into 7 partitions on MariaDB (SHARD KEY(customer_id) across leaves on SingleStore).
// The lab shows how the rows spread over the partitions (and why 7 rather than 8), which of the seed's
// dashboard queries the engine prunes to one partition and which read them all, and how fast each
// query is with the index that serves it, with that index ignored, and from the aggregate tables the
// sink keeps current.
//
// Input: --rows generated transactions over 7 days (default 1,000,000), loaded in bulk — without
// Kafka, but through the sink's own writer, so the aggregates are maintained exactly as in lab 03.
// The load is recorded (bulk_loads): a rerun reuses it, an interrupted one resumes. First load: ~1 min.
//
// Expect: partitions within ~±12 % of the mean; "a customer's recent transactions" pruned to one
// partition, ~1 ms by its key and ~50 ms scanning that partition without; time-window queries read
// every partition: the last 5 minutes take ~1 ms through idx_event_time and a full scan (~200 ms)
// without; a 24-hour window is 1/7 of the table, where an index no longer pays (the optimizer scans,
// or uses it and is slower); the aggregate tables answer in about a millisecond with exactly the same
// rows. Other work on the machine moves the numbers; data/04-sharding.json feeds notebook 04.
import { z } from 'zod';
import { config } from '../lib/config.ts';
import { ensureDatabase, openDb } from '../lib/db/connect.ts';
import { describeMigration, migrate } from '../lib/db/migrate.ts';
import { namedQuery } from '../lib/db/queries.ts';
import { UsageError, count, parseFlags } from '../lib/flags.ts';
import { runLab } from '../lib/lab.ts';
import { intBetween, seededRng } from '../lib/random.ts';
import { fmt, progress, table } from '../lib/terminal.ts';
import { Lab04Result } from '../lib/results/lab04.ts';
import { envelope, newRunId, writeResult } from '../lib/results/write.ts';
import { type Comparison, compareQuery } from '../lib/sharding/compare.ts';
import { partitionRows, skew } from '../lib/sharding/distribution.ts';
import { probeKeySpread } from '../lib/sharding/probe.ts';
import { type SpiderReport, spiderDemo } from '../lib/sharding/spider-demo.ts';
import { SPIDER_TABLE, spiderAvailable } from '../lib/sharding/spider.ts';
import { ensureLoaded } from '../lib/sharding/load.ts';
import { dashboardQueries } from '../lib/sharding/workload.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { percentiles } from '../lib/percentiles.ts';
import type { RowDataPacket } from 'mysql2/promise';

const c = config();
const flags = {
  name: 'bun run lab:04',
  summary: 'Loads 1M transactions (once), shows their spread over partitions, pruning, and query latency with/without indexes and aggregates.',
  shape: {
    rows: count().pipe(z.number().min(1000).max(20_000_000)).default(1_000_000),
    reps: count().pipe(z.number().min(5).max(10_000)).default(200),
    leaves: count().pipe(z.number().min(0).max(8)).default(2),
    leafPorts: z
      .string()
      .default('3308,3309')
      .transform((s) => s.split(',').map((p) => Number(p.trim())))
      .pipe(z.array(z.number({ error: 'expected comma-separated ports, e.g. 3308,3309' }).int().min(1).max(65_535)).min(1).max(8)),
    leafRows: count().pipe(z.number().min(1000).max(5_000_000)).default(200_000),
    budget: z.coerce.number({ error: 'expected a number of seconds' }).positive().max(600).default(1.5),
  },
  help: {
    rows: 'generated transactions to load (once; reused by later runs)',
    reps: 'most repetitions per query and variant',
    budget: 'seconds per query and variant (slow full scans get fewer repetitions, at least 5)',
    leaves: 'leaf servers for the Spider layout (0 skips it)',
    leafPorts: 'ports for the leaf servers, one per leaf',
    leafRows: 'loaded rows copied onto the leaves (once; reused by later runs)',
  },
};

/** Lab 04's events: their own seed, so their transaction ids never collide with the other labs'. */
const LOAD_SEED = (c.generator.seed + 4004) % 2 ** 31;

await runLab('lab 04', async ({ signal }) => {
  const args = parseFlags(flags);
  if (args.leaves > args.leafPorts.length) throw new UsageError(`--leaves ${args.leaves} needs as many --leaf-ports, got ${args.leafPorts.join(',')}`);
  const runId = newRunId('04');
  const startedAt = new Date();
  const say = (line: string) => console.log(`lab 04: ${line}`);

  // 1. the database and its tables
  await ensureStack({ engines: ['db'] });
  await ensureDatabase(c.db.url);
  const db = await openDb(c.db.url, 3);
  try {
    say(`${db.server}: ${describeMigration(await migrate(db))}`);

    // 2. the rows: loaded once through the sink's writer (rows + aggregates), reused afterwards
    const bar = progress('load');
    const started = performance.now();
    const load = await ensureLoaded(db, {
      name: 'lab04',
      rows: args.rows,
      seed: LOAD_SEED,
      generator: c.generator,
      concurrency: 2,
      signal,
      onProgress: (done, total) => bar.update(`${fmt(done)}/${fmt(total)} rows (${fmt(Math.round(done / ((performance.now() - started) / 1000)))}/s)`),
    });
    const window = `${new Date(load.record.from_ms).toISOString().slice(0, 16)} → ${new Date(load.record.to_ms).toISOString().slice(0, 16)} UTC`;
    if (load.mode === 'reused') say(`reusing the ${fmt(load.record.target_rows)} rows loaded earlier (seed ${load.record.seed}, ${window})`);
    else bar.done(`${load.mode} ${fmt(load.record.target_rows)} rows (${window}): ${fmt(load.inserted)} inserted, ${fmt(load.skipped)} already there, in ${load.seconds.toFixed(1)} s (${fmt(Math.round((load.inserted + load.skipped) / load.seconds))} rows/s)`);
    if (signal.aborted) return;

    // 3. the spread over partitions
    const parts = await partitionRows(db);
    const total = parts.reduce((s, p) => s + p.rows, 0);
    const mean = total / parts.length;
    console.log(
      table(
        parts.map((p) => ({ partition: p.partition, ...(p.host ? { leaf: p.host } : {}), rows: p.rows, ...(p.customers !== null ? { customers: p.customers } : {}), 'vs mean': `${((p.rows / mean - 1) * 100).toFixed(1)} %` })),
        `\nRows per partition (${db.dialect === 'mysql' ? `PARTITION BY KEY(customer_id) PARTITIONS ${parts.length}` : 'SHARD KEY (customer_id)'}): ${fmt(total)} rows, skew (max/mean) ${skew(parts).toFixed(3)}`,
      ),
    );

    // 4. why 7 partitions: the same customer ids under KEY() with other partition counts
    const ids = Array.from({ length: c.generator.customerCount }, (_, i) => `cust_${i + 1}`);
    const spreads = db.dialect === 'mysql' ? await probeKeySpread(db.pool, ids, [7, 8, 11, 16]) : [];
    if (spreads.length) {
      console.log(
        table(
          spreads.map((s) => ({ partitions: s.partitions, 'customers per partition': `${Math.min(...s.rows)} … ${Math.max(...s.rows)}`, 'skew (max/mean)': s.skew.toFixed(2) })),
          `\nThe ${fmt(ids.length)} customer ids under KEY(customer_id) with other partition counts (MariaDB's string hash mixes its low bits poorly)`,
        ),
      );
    }

    // 5. the seed's questions: pruning, index, and latency with / without index / from the aggregates
    // windows end where the load's events end, so a rerun asks the same questions of the same rows
    const [span] = await db.pool.query<RowDataPacket[]>(namedQuery('event_span').sql);
    const anchorMs = load.record.to_ms;
    const rng = seededRng(LOAD_SEED);
    const customers = Array.from({ length: 50 }, () => `cust_${intBetween(rng, 1, c.generator.customerCount)}`);
    const comparisons: Comparison[] = [];
    for (const run of dashboardQueries(anchorMs, customers)) {
      if (signal.aborted) break;
      process.stderr.write(`lab 04: timing ${run.question}...\n`);
      comparisons.push(await compareQuery(db, run, { reps: args.reps, budgetMs: args.budget * 1000, partitions: parts.length, signal }));
    }
    const cell = (cmp: Comparison, v: string) => {
      const r = cmp.variants.find((x) => x.variant === v);
      if (!r) return '-';
      const p = percentiles(r.ms);
      return `${fmtMs(p.p50)} / ${fmtMs(p.p99)}${r.same_answer === false ? ' ✗ differs' : ''}`;
    };
    console.log(
      table(
        comparisons.map((cmp) => ({
          question: cmp.run.question,
          partitions: cmp.pruning.pruned ? `${cmp.pruning.partitions.join(',')} (1 of ${cmp.pruning.total})` : `all ${cmp.pruning.total}`,
          index: cmp.pruning.index ?? 'none (scan)',
          'indexed p50 / p99 ms': cell(cmp, 'indexed'),
          'no index p50 / p99 ms': cell(cmp, 'no_index'),
          'aggregate p50 / p99 ms': cell(cmp, 'aggregate'),
        })),
        `\nQueries (windows end where the loaded events end, ${new Date(anchorMs).toISOString().slice(0, 16)}Z; up to ${args.reps} runs or ${args.budget} s each)`,
      ),
    );
    // 6. a SingleStore-like layout: leaf servers holding the rows, a Spider table on this server in front
    let spider: SpiderReport | null = null;
    if (args.leaves > 0 && !signal.aborted) {
      if (!(await spiderAvailable(db))) say('no Spider engine on this server: skipping the leaves (Debian/Ubuntu: apt-get install mariadb-plugin-spider)');
      else {
        const runs = dashboardQueries(anchorMs, customers).filter((r) => ['customer_recent', 'totals_5_min', 'category_hourly_revenue'].includes(r.query));
        spider = await spiderDemo(db, { stackDir: c.stackDir, ports: args.leafPorts.slice(0, args.leaves), rows: args.leafRows, runs, reps: args.reps, budgetMs: args.budget * 1000, log: say });
        console.log(table(spider.leaves.map((l) => ({ leaf: l.leaf, port: String(l.port), rows: l.rows, 'vs mean': `${((l.rows / (spider!.leaves.reduce((s, x) => s + x.rows, 0) / spider!.leaves.length) - 1) * 100).toFixed(1)} %` })), `\nRows per leaf (Spider table ${SPIDER_TABLE}: PARTITION BY KEY(customer_id), one partition per leaf; skew ${spider.skew.toFixed(3)})`));
        console.log(
          table(
            spider.queries.map((q) => ({ question: q.question, 'SELECTs per leaf': q.selects_per_leaf.join(' / '), reached: q.selects_per_leaf.filter((n) => n > 0).length === 1 ? 'one leaf' : 'all leaves', 'p50 / p99 ms': `${fmtMs(percentiles(q.ms).p50)} / ${fmtMs(percentiles(q.ms).p99)}` })),
            '\nThrough the Spider table: which leaves each query reached (SELECTs the leaves received), and its latency',
          ),
        );
      }
    }

    const differs = comparisons.flatMap((cmp) => cmp.variants.filter((v) => v.same_answer === false).map((v) => `${cmp.run.query} (${v.variant})`));
    say(differs.length ? `answers that differ from the indexed query: ${differs.join(', ')}` : 'every variant returned exactly the indexed query\'s rows');

    const path = writeResult(Lab04Result, {
      ...envelope('04-sharding', runId, startedAt),
      parameters: { rows: args.rows, seed: LOAD_SEED, database: db.server, dialect: db.dialect, reps: args.reps, budget_s: args.budget },
      metrics: {
        load: {
          mode: load.mode,
          inserted: load.inserted,
          skipped: load.skipped,
          seconds: load.seconds,
          rows_per_s: load.seconds > 0 ? (load.inserted + load.skipped) / load.seconds : 0,
          table_rows: Number(span[0]!.rows_total),
          window: { from: new Date(load.record.from_ms).toISOString(), to: new Date(load.record.to_ms).toISOString() },
        },
        distribution: { partitions: parts.length, min: Math.min(...parts.map((p) => p.rows)), max: Math.max(...parts.map((p) => p.rows)), skew: skew(parts) },
        anchor: new Date(anchorMs).toISOString(),
        queries: comparisons.map((cmp) => ({
          query: cmp.run.query,
          question: cmp.run.question,
          sql: cmp.sql,
          pruned: cmp.pruning.pruned,
          partitions_read: cmp.pruning.partitions.length,
          partitions_total: cmp.pruning.total,
          index: cmp.pruning.index,
          estimated_rows: cmp.pruning.estimated_rows,
          variants: cmp.variants.map((v) => ({ variant: v.variant, latency_ms: percentiles(v.ms), rows: v.rows, same_answer: v.same_answer })),
        })),
        spider: spider && {
          rows: spider.leaves.reduce((s, l) => s + l.rows, 0),
          skew: spider.skew,
          leaves: spider.leaves,
          queries: spider.queries.map((q) => ({ query: q.query, question: q.question, selects_per_leaf: q.selects_per_leaf, latency_ms: percentiles(q.ms) })),
        },
        interrupted: signal.aborted,
      },
      samples: {
        key_spread: spreads,
        partition_rows: parts,
        latencies: comparisons.flatMap((cmp) => cmp.variants.map((v) => ({ query: cmp.run.query, variant: v.variant, ms: v.ms }))),
        plans: comparisons.flatMap((cmp) => cmp.plans.map((p) => ({ query: cmp.run.query, ...p }))),
      },
    });
    say(`wrote ${path}`);
  } finally {
    await db.pool.end().catch(() => {});
  }
});

function fmtMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}
