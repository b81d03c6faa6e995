// The check of lab 07's exercises: an exactly-once protocol written in an exercise's file, run by
// lib/guarantees/main.ts as a real pipeline process (`--protocol`) over seeded input with bad records
// among it, SIGKILLed as soon as the first of its third batch's two effects is durable (crash phase
// `first-durable`, modes.ts) and restarted; then the audit, record by record: exactly once is nothing
// lost and nothing duplicated. Everything lives under a namespace of its own (a random TXLAB_PREFIX),
// deleted afterwards. A file whose protocol is still marked TODO is told apart before any process
// starts: it is called once on stand-ins (`rehearse`), where it throws MissingSolution.
import type { Kafka, Producer } from 'kafkajs';
import type { PoolConnection } from 'mysql2/promise';
import { type Db, ensureDatabase, openDb } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { endOffsets } from '../drain.ts';
import { type Audit, audit } from '../guarantees/audit.ts';
import { inputMessages, produceInput } from '../guarantees/input.ts';
import { type Pipeline, namesOf, pipelineId } from '../guarantees/modes.ts';
import type { Batch, ExactlyOnceKafkaEffects, ExactlyOnceSqlEffects } from '../guarantees/protocols.ts';
import { decodeOutputs, inputKeys, readRange } from '../guarantees/read.ts';
import { type PipelineRun, runPipeline } from '../guarantees/run.ts';
import { readOutputs } from '../guarantees/store.ts';
import { guaranteeTopicSpecs } from '../guarantees/topics.ts';
import { createKafka, ensureTopics, withAdmin } from '../kafka.ts';
import { isolated } from '../testing/isolation.ts';
import type { CheckResult } from './define.ts';
import { isMissingSolution } from './missing.ts';

export const RECORDS = 1_500;
export const BAD = 6;
export const PARTITIONS = 3;
export const BATCH = 100;
/** the batch (of the first process) whose first durable effect the crash follows */
export const CRASH_BATCH = 3;
const RUN_TIMEOUT_MS = 40_000;
/** batches failed (the process exits, and is restarted) before the check gives up on the run */
const MAX_FAILURES = 10;

/**
 * Calls `protocol` once on stand-ins that do nothing: it throws MissingSolution while its marked part
 * is not written. Anything else it does there is for the real run to judge.
 */
export async function rehearse(protocol: () => Promise<unknown>): Promise<void> {
  try {
    await protocol();
  } catch (e) {
    if (isMissingSolution(e)) throw e;
  }
}

export const SAMPLE_BATCH: Batch = { topic: 'rehearsal', partition: 0, outputs: [], next: 1 };
const nothing = async () => {};

export function standInKafkaEffects(): ExactlyOnceKafkaEffects {
  const txn = { send: nothing, sendBatch: nothing, sendOffsets: nothing, commit: nothing, abort: nothing };
  const producer = { transaction: async () => txn, send: nothing, sendBatch: nothing };
  return {
    producer: producer as unknown as Producer,
    group: 'rehearsal',
    send: nothing,
    commit: nothing,
    crash: nothing,
  };
}

export function standInSqlEffects(): ExactlyOnceSqlEffects {
  const conn = {
    beginTransaction: nothing,
    commit: nothing,
    rollback: nothing,
    release: () => {},
    query: async () => [[], []],
    execute: async () => [[], []],
  };
  return {
    connection: async () => conn as unknown as PoolConnection,
    insert: nothing,
    storePosition: nothing,
    commit: nothing,
    crash: nothing,
  };
}

/** Runs the protocol in `file` as `pipeline` through the crash and a restart, and audits what it wrote. */
export async function crashAndAudit(o: {
  name: string;
  pipeline: Pipeline;
  file: string;
  seed: number;
}): Promise<CheckResult> {
  const iso = isolated(o.name, { TRANSACTIONS_PARTITIONS: String(PARTITIONS) });
  const c = iso.config;
  const names = namesOf(c, o.pipeline);
  const id = pipelineId(o.pipeline);
  const kafka: Kafka = createKafka(`exercise-${o.name}`, c);
  const failures: string[] = [];
  let db: Db | undefined;
  try {
    if (o.pipeline.sink === 'sql') {
      await ensureDatabase(c.db.url);
      db = await openDb(c.db.url, 2);
      await migrate(db);
    }
    const topics = new Set([names.input, names.output]);
    await withAdmin(kafka, (admin) =>
      ensureTopics(
        admin,
        guaranteeTopicSpecs(c).filter((s) => topics.has(s.topic)),
      ),
    );
    const from = await endOffsets(kafka, names.input);
    await produceInput(kafka, names.input, inputMessages({ ...c.generator, seed: o.seed }, RECORDS, BAD, Date.now()));
    const to = await endOffsets(kafka, names.input);
    const keys = inputKeys(await readRange(kafka, names.input, from, to));
    const outFrom = await endOffsets(kafka, names.output);
    const runId = `exercise-${o.name}`;
    const head = `input: ${RECORDS.toLocaleString('en')} records (${BAD} of them bad) on ${PARTITIONS} partitions, read by ${o.file} as pipeline ${id} in batches of at most ${BATCH}`;
    const stop = new AbortController();
    let run: PipelineRun;
    try {
      run = await runPipeline({
        pipeline: o.pipeline,
        runId,
        from,
        to,
        faults: { crashAt: { phase: 'first-durable', batch: CRASH_BATCH } },
        batch: BATCH,
        protocol: o.file,
        env: iso.env,
        timeoutMs: RUN_TIMEOUT_MS,
        onLine: (line) => {
          if (!/: batch of \d+ from .+ failed: /.test(line)) return;
          failures.push(line.trim());
          if (failures.length >= MAX_FAILURES) stop.abort();
        },
        signal: stop.signal,
      });
    } catch (e) {
      const why = stop.signal.aborted
        ? `the pipeline's batches kept failing (${failures.length} times, each followed by a restart): the check stopped it`
        : `the pipeline did not read all its input within ${RUN_TIMEOUT_MS / 1000} s: ${(e as Error).message}`;
      return { ok: false, lines: [head, why, ...lastFailures(failures)] };
    }
    const a = db
      ? audit(keys, await readOutputs(db.pool, { runId, pipeline: id }))
      : audit(
          keys,
          decodeOutputs(await readRange(kafka, names.output, outFrom, await endOffsets(kafka, names.output))),
        );
    return judge(a, run, head, o.pipeline, failures);
  } finally {
    await db?.pool.end().catch(() => {});
    await iso.cleanup();
  }
}

const lastFailures = (failures: readonly string[]) =>
  failures.length === 0
    ? []
    : [`its batches failed ${failures.length} times; the last: ${failures[failures.length - 1]!.slice(0, 400)}`];

function judge(a: Audit, run: PipelineRun, head: string, p: Pipeline, failures: string[]): CheckResult {
  const crash = run.crash;
  const interrupted = new Set(crash?.sources ?? []);
  const fromCrash = (ks: string[], why: string) =>
    ks.every((k) => interrupted.has(k)) ? `, all from the interrupted batch: ${why}` : '';
  const where = p.sink === 'kafka' ? 'the output topic, as a read_committed reader sees it' : 'the rows of the run';
  const lines = [
    head,
    crash
      ? `crash: SIGKILL in batch ${crash.batch} (input partition ${crash.partition}, ${crash.sources.length} records) as soon as ` +
        `the first of its outputs and its position was durable; restarted ${run.processes - 1} time(s)`
      : `crash: none; batch ${CRASH_BATCH} never made its outputs or its position durable through the effects it was given ` +
        '(fx.producer, fx.connection(), fx.commit), so the check could not crash it where it matters',
    `audit of ${where}: ${a.input} input records, lost ${a.lost} (expected 0), duplicated ${a.duplicated} (expected 0)`,
  ];
  if (a.lost > 0)
    lines.push(
      `  lost, e.g. ${a.examples.lost.join(', ')}${fromCrash(a.examples.lost, 'its position was durable before its outputs')}`,
    );
  if (a.duplicated > 0)
    lines.push(
      `  written twice, e.g. ${a.examples.duplicated.join(', ')}${fromCrash(a.examples.duplicated, 'its outputs were durable before its position')}`,
    );
  lines.push(`bad records rejected to the output: ${a.rejected} (expected ${BAD})`);
  if (a.foreign > 0)
    lines.push(`outputs naming no input record: ${a.foreign} (expected 0), e.g. ${a.examples.foreign.join(', ')}`);
  if (run.exits.length > 0) lines.push(...lastFailures(failures));
  const ok =
    crash !== null &&
    a.input === RECORDS &&
    a.lost === 0 &&
    a.duplicated === 0 &&
    a.foreign === 0 &&
    a.rejected === BAD;
  return { ok, lines };
}
