#!/usr/bin/env bun
// Lab 07 — delivery guarantees: at most once, at least once, exactly once, proven by crashes.
//
// Goal: watch each guarantee keep or break its promise under a crash, with the lost and duplicated
// records counted exactly; see what makes exactly once work (a Kafka transaction with sendOffsets, or
// the input position stored in the same database transaction as the rows), what fences a zombie, how
// long an abandoned transaction blocks read_committed readers, and what each guarantee costs.
//
// Input (made here, seeded): --events transactions, --bad of them malformed, in lab 07's own input
// topic. Six pipelines (lib/guarantees/main.ts) settle them: three guarantees (protocols.ts) × a Kafka
// topic or a SQL table as the sink. Under each fault (--faults) all six run at once over the same input,
// are restarted after every crash, and are audited record by record (which input record has no output,
// which has two):
//   worst-crash     each SIGKILLs itself at the worst moment for its guarantee in batch --crash-batch:
//                   at most once must lose exactly that batch, at least once write exactly it twice,
//                   exactly once neither (and its aborted transaction's records are in the log);
//   random-kills    --kills SIGKILLs from outside each, at random moments while it works;
//   broker-restart  the embedded broker stops and starts again while they work.
// Then each pipeline alone without faults (the cost), and three transaction facts: a zombie fenced, a
// read_committed stall behind an abandoned transaction, the transaction rate against the retry backoff.
//
// What to expect: the summary table (fault × pipeline: lost, duplicated), every guarantee kept, and the
// lab fails loudly if a guarantee broke its promise or a worst-case crash did not do what it predicts.
//   bun run lab:07 [--events 20000] [--faults worst-crash,random-kills] [--kills 3] [--seed 7]
import { z } from 'zod';
import { config } from '../lib/config.ts';
import { ensureDatabase, openDb } from '../lib/db/connect.ts';
import { describeMigration, migrate } from '../lib/db/migrate.ts';
import { endOffsets } from '../lib/drain.ts';
import { count, parseFlags, seedFlag } from '../lib/flags.ts';
import { demonstrateFencing, measureStall, transactionRate } from '../lib/guarantees/demos.ts';
import { inputMessages, produceInput } from '../lib/guarantees/input.ts';
import { inputKeys, readRange } from '../lib/guarantees/read.ts';
import { demoTopic, guaranteeTopicSpecs } from '../lib/guarantees/topics.ts';
import { TRANSACTION_RETRY_MS, TRANSACTION_TIMEOUT_MS } from '../lib/guarantees/transactional.ts';
import { createKafka, ensureTopics } from '../lib/kafka.ts';
import { runLab } from '../lib/lab.ts';
import { seededRng } from '../lib/random.ts';
import { FAULTS, type Fault, type FaultRun, Lab07Result } from '../lib/results/lab07.ts';
import { newRunId, writeResult } from '../lib/results/write.ts';
import { ensureStack, stopStack } from '../lib/stack/index.ts';
import { waitUntil } from '../lib/wait.ts';
import { measureCost } from './07-guarantees/cost.ts';
import { type Round, type RoundProgress, plan, runRound } from './07-guarantees/faults.ts';
import { buildResult, printSummary } from './07-guarantees/report.ts';

const c = config();
const flags = {
  name: 'bun run lab:07',
  summary: 'Six pipelines (three delivery guarantees × Kafka or SQL) under crashes, audited record by record.',
  shape: {
    events: count().pipe(z.number().min(500).max(1_000_000)).default(20_000),
    bad: count().pipe(z.number().min(0).max(1_000)).default(20),
    batch: count().pipe(z.number().min(10).max(5_000)).default(250),
    kills: count().pipe(z.number().min(0).max(20)).default(3),
    crashBatch: count().pipe(z.number().min(1).max(1_000)).default(4),
    faults: z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim()))
      .pipe(z.array(z.enum(FAULTS)).min(1))
      .default([...FAULTS]),
    seed: seedFlag(),
  },
  help: {
    events: 'input records (each pipeline reads them all, under each fault)',
    bad: 'of them malformed or invalid: every pipeline must reject them to its output, not drop them',
    batch: 'records per protocol step (one partition each): what a worst-case crash loses or repeats',
    kills: 'random-kills: SIGKILLs from outside per pipeline',
    crashBatch: "worst-crash: the batch (counted in the pipeline's process) in which it crashes itself",
    faults: `comma-separated, of ${FAULTS.join(', ')}`,
    seed: 'input and kill-time seed (default: new each run)',
  },
};

await runLab('lab 07', async ({ signal }) => {
  const a = parseFlags(flags);
  const say = (line: string) => console.log(`lab 07: ${line}`);
  const runId = newRunId('07');
  const startedAt = new Date();
  const seed = a.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (a.bad >= a.events) throw new Error(`--bad ${a.bad} must be fewer than --events ${a.events}`);

  // 1. engines, topics, tables
  await ensureStack({ engines: ['kafka', 'db'] });
  const kafka = createKafka('lab07-guarantees');
  const admin = kafka.admin();
  await admin.connect();
  await ensureDatabase(c.db.url);
  const db = await openDb(c.db.url, 2);
  try {
    await ensureTopics(admin, guaranteeTopicSpecs(c));
    say(`${db.server}: ${describeMigration(await migrate(db))}`);

    // 2. the input: seeded, written once, read back (the audit trusts the topic, not the list)
    const from = await endOffsets(kafka, c.guarantees.input);
    await produceInput(kafka, c.guarantees.input, inputMessages({ ...c.generator, seed }, a.events, a.bad, Date.now()));
    const to = await endOffsets(kafka, c.guarantees.input);
    const keys = inputKeys(await readRange(kafka, c.guarantees.input, from, to));
    say(`seed ${seed}: ${keys.length} input records (${a.bad} bad) in ${c.guarantees.input}`);

    // 3. the faults, one round each: all six pipelines at once, then the audit
    // six pipelines print the same connection error many times while the broker is away: once is enough
    const printed = new Map<string, number>();
    const onLine = (line: string) => {
      const n = printed.get(line) ?? 0;
      printed.set(line, n + 1);
      if (n === 0) console.log(`  ${line}`);
    };
    const repeats = () => {
      const hidden = [...printed.values()].reduce((x, n) => x + n - 1, 0);
      if (hidden > 0) say(`(${hidden} repeats of lines printed above not shown)`);
      printed.clear();
    };
    const round: Round = {
      kafka,
      pool: db.pool,
      c,
      runId,
      from,
      to,
      inputKeys: keys,
      batch: a.batch,
      onLine,
      signal,
    };
    const rng = seededRng(seed ^ 0x07);
    const faults: FaultRun[] = [];
    const kills: { fault: Fault; pipeline: string; atMs: number; records: number }[] = [];
    const skipped: { fault: Fault; why: string }[] = [];
    for (const fault of a.faults) {
      if (signal.aborted) break;
      if (fault === 'broker-restart' && !c.kafka.managed) {
        skipped.push({
          fault,
          why: 'KAFKA_BROKERS points at a broker this project does not manage: it is not restarted',
        });
        continue;
      }
      say(`${fault}: six pipelines at once over the input`);
      // the broker goes once every pipeline is a fifth of the way through the input, so all are mid-work
      const restart =
        fault === 'broker-restart'
          ? async (progress: RoundProgress) => {
              await waitUntil(
                'every pipeline to read a fifth of the input',
                () => {
                  const read = progress();
                  return read.size === 6 && [...read.values()].every((n) => n >= keys.length / 5);
                },
                { timeoutMs: 120_000, intervalMs: 20, signal },
              );
              say(
                `broker-restart: stopping the broker (pipelines at ${[...progress().values()].map((n) => Math.round((n / keys.length) * 100)).join(', ')} % of the input)`,
              );
              await stopStack({ engines: ['kafka'], quiet: true });
              await ensureStack({ engines: ['kafka'], quiet: true });
              say('broker-restart: the broker is back');
            }
          : undefined;
      const r = await runRound(round, fault, plan(fault, rng, { kills: a.kills, crashBatch: a.crashBatch }), restart);
      repeats();
      faults.push(...r.runs);
      kills.push(...r.kills.map((k) => ({ fault, ...k })));
      for (const f of r.runs)
        say(
          `${fault} ${f.pipeline.id}: lost ${f.audit.lost}, duplicated ${f.audit.duplicated}${f.broken.length ? ` — BROKEN: ${f.broken.join('; ')}` : ''}`,
        );
    }

    // 4. the cost: each pipeline alone, no faults
    say('cost: each pipeline alone over the input, no faults');
    const cost = await measureCost(round);

    // 5. transactions: fencing, an abandoned transaction's stall, the rate against the retry backoff
    const topic = demoTopic(c);
    const txId = `${c.guarantees.groupPrefix}.demo`;
    say('fencing: two producers with one transactional id');
    const fencing = await demonstrateFencing(kafka, topic, `${txId}.fencing`);
    say(`stall: a transaction abandoned open (timeout ${TRANSACTION_TIMEOUT_MS / 1000} s); readers timed`);
    const stall = await measureStall(kafka, topic, `${txId}.stall`, { timeoutMs: TRANSACTION_TIMEOUT_MS });
    const rates = [];
    for (const retry of [300, 100, TRANSACTION_RETRY_MS]) {
      rates.push(await transactionRate(kafka, topic, `${txId}.rate`, retry, 2_000));
      say(`rate: retry.initialRetryTime ${retry} ms → ${rates.at(-1)!.perS.toFixed(1)} transactions/s`);
    }
    if (signal.aborted) {
      say('stopped before the end: no results file written');
      return;
    }

    // 6. report, write
    const result = buildResult({
      runId,
      startedAt,
      config: c,
      parameters: {
        events: a.events,
        bad: a.bad,
        batch: a.batch,
        kills: a.kills,
        crash_batch: a.crashBatch,
        faults: a.faults,
        seed,
        partitions: c.transactionsPartitions,
        transaction_timeout_ms: TRANSACTION_TIMEOUT_MS,
        transaction_retry_ms: TRANSACTION_RETRY_MS,
        input_topic: c.guarantees.input,
      },
      faults,
      skipped,
      kills,
      cost,
      fencing,
      stall,
      rates,
    });
    printSummary(result);
    say(`wrote ${writeResult(Lab07Result, result)}`);
    const bad = faults.filter((f) => f.broken.length > 0);
    if (bad.length > 0)
      throw new Error(`lab 07: ${bad.map((f) => `${f.fault} ${f.pipeline.id}: ${f.broken.join('; ')}`).join(' | ')}`);
  } finally {
    await admin.disconnect().catch(() => {});
    await db.pool.end().catch(() => {});
  }
});
