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
// Kafka, but through the sink's own writer, so the aggregates are maintained exactly as in lab 03 —
// into a database of the lab's own (`txlab_lab04`): the pipeline's also holds what labs 02–03 streamed,
// tens of thousands of rows in the last minutes against the few hundred the load puts in a 5-minute window.
// The load is recorded (bulk_loads): a rerun reuses it, an interrupted one resumes. First load: ~1 min.
//
// Expect: partitions within ~±12 % of the mean; "a customer's recent transactions" pruned to one
// partition, ~1 ms by its key and ~50 ms scanning that partition without; time-window queries read
// every partition: the last 5 minutes take ~1 ms through idx_event_time and a full scan (~200 ms)
// without; a 24-hour window is 1/7 of the table, where an index no longer pays (the optimizer scans,
// or uses it and is slower); the aggregate tables answer in about a millisecond with exactly the same
// rows. Other work on the machine moves the numbers; data/04-sharding.json feeds notebook 04.
import type { RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { config } from '../lib/config.ts';
import { type Db, ensureDatabase, openDb } from '../lib/db/connect.ts';
import { dashboardQueries, lastDay, lastFiveMinutes } from '../lib/db/dashboard.ts';
import { describeMigration, migrate } from '../lib/db/migrate.ts';
import { namedQuery } from '../lib/db/queries.ts';
import { UsageError, count, parseFlags } from '../lib/flags.ts';
import { runLab } from '../lib/lab.ts';
import { intBetween, seededRng } from '../lib/random.ts';
import { Lab04Result } from '../lib/results/lab04.ts';
import { newRunId, writeResult } from '../lib/results/write.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { compareQueries } from './04-sharding/compare.ts';
import { lab04DatabaseUrl } from './04-sharding/database.ts';
import { partitionRows } from './04-sharding/distribution.ts';
import { loadWithProgress } from './04-sharding/load.ts';
import { probeKeySpread } from './04-sharding/probe.ts';
import { buildResult, printSummary } from './04-sharding/report.ts';
import { spiderDemo } from './04-sharding/spider-demo.ts';

const c = config();
const flags = {
  name: 'bun run lab:04',
  summary:
    'Loads 1M transactions (once), shows their spread over partitions, pruning, and query latency with/without indexes and aggregates.',
  shape: {
    rows: count().pipe(z.number().min(1000).max(20_000_000)).default(1_000_000),
    reps: count().pipe(z.number().min(5).max(10_000)).default(200),
    leaves: count().pipe(z.number().min(0).max(8)).default(2),
    leafPorts: z
      .string()
      .default('3308,3309')
      .transform((s) => s.split(',').map((p) => Number(p.trim())))
      .pipe(
        z
          .array(z.number({ error: 'expected comma-separated ports, e.g. 3308,3309' }).int().min(1).max(65_535))
          .min(1)
          .max(8),
      ),
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
  if (args.leaves > args.leafPorts.length)
    throw new UsageError(`--leaves ${args.leaves} needs as many --leaf-ports, got ${args.leafPorts.join(',')}`);
  const runId = newRunId('04');
  const startedAt = new Date();
  const say = (line: string) => console.log(`lab 04: ${line}`);

  // 1. the lab's own database (beside the pipeline's) and its tables
  await ensureStack({ engines: ['db'] });
  const url = lab04DatabaseUrl(c.db.url);
  await ensureDatabase(url);
  const db = await openDb(url, 3);
  try {
    say(`${db.server}: ${describeMigration(await migrate(db))}`);
    say(
      `database ${db.database} is this lab's own: it holds only the rows loaded here, so every query below runs on data of a known shape`,
    );

    // 2. the rows: loaded once through the sink's writer (rows + aggregates), reused afterwards
    const load = await loadWithProgress(
      db,
      { name: 'lab04', rows: args.rows, seed: LOAD_SEED, generator: c.generator, concurrency: 2, signal },
      say,
    );
    if (signal.aborted) return;

    // 3. the spread over partitions, and why 7: the same customer ids under KEY() with other partition counts
    const parts = await partitionRows(db);
    const ids = Array.from({ length: c.generator.customerCount }, (_, i) => `cust_${i + 1}`);
    const spreads = db.dialect === 'mysql' ? await probeKeySpread(db.pool, ids, [7, 8, 11, 16]) : [];

    // 4. the seed's questions: pruning, index, and latency with / without index / from the aggregates;
    // windows end where the load's events end, so a rerun asks the same questions of the same rows
    const [[span]] = await db.pool.query<RowDataPacket[]>(namedQuery('event_span').sql);
    const anchorMs = load.record.to_ms;
    const rng = seededRng(LOAD_SEED);
    const questions = dashboardQueries(
      anchorMs,
      Array.from({ length: 50 }, () => `cust_${intBetween(rng, 1, c.generator.customerCount)}`),
    );
    const onQuestion = (q: string) => process.stderr.write(`lab 04: timing ${q}...\n`);
    const timing = { reps: args.reps, budgetMs: args.budget * 1000 };
    const comparisons = await compareQueries(db, questions, {
      ...timing,
      partitions: parts.length,
      signal,
      onQuestion,
    });

    // 5. a SingleStore-like layout: leaf servers holding the rows, a Spider table on this server in front
    const leafPorts = args.leafPorts.slice(0, args.leaves);
    const spider =
      args.leaves > 0 && !signal.aborted
        ? await spiderDemo(db, {
            stackDir: c.stackDir,
            ports: leafPorts,
            rows: args.leafRows,
            runs: questions,
            ...timing,
            log: say,
          })
        : null;

    // 6. report, write
    const tableRows = Number(span!.rows_total);
    const windowRows = {
      last_5_min: await rowsBetween(db, lastFiveMinutes(anchorMs)),
      last_24_h: await rowsBetween(db, lastDay(anchorMs)),
    };
    const run = {
      runId,
      startedAt,
      config: c,
      args,
      seed: LOAD_SEED,
      db,
      load,
      tableRows,
      windowRows,
      parts,
      spreads,
      anchorMs,
      comparisons,
      spider,
      interrupted: signal.aborted,
    };
    printSummary(run);
    say(`wrote ${writeResult(Lab04Result, buildResult(run))}`);
  } finally {
    await db.pool.end().catch(() => {});
  }
});

/** Rows whose event time is in [from, to). */
async function rowsBetween(db: Db, [from, to]: [string, string]): Promise<number> {
  const [rows] = await db.pool.query<RowDataPacket[]>(
    'SELECT COUNT(*) AS n FROM transactions WHERE event_time >= ? AND event_time < ?',
    [from, to],
  );
  return Number(rows[0]?.n ?? 0);
}
