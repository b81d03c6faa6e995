// Each delivery guarantee on the real broker and database, proven by crashes: every pipeline of lab 07
// SIGKILLs itself at the worst moment for its guarantee (modes.ts, WORST_CRASH) and is restarted; the
// audit then compares its outputs with its input record by record. At most once loses exactly the
// interrupted batch, at least once writes exactly that batch twice, exactly once does neither; and
// exactly once stays exact through SIGKILLs from outside at arbitrary moments.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Kafka } from 'kafkajs';
import { type Db, ensureDatabase, openDb } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { type Offsets, endOffsets } from '../drain.ts';
import { createKafka, ensureTopics, withAdmin } from '../kafka.ts';
import { useEngines } from '../testing/engines.ts';
import { isolated } from '../testing/isolation.ts';
import { inputMessages, produceInput } from './input.ts';
import { type Pipeline, PIPELINES, WORST_CRASH, namesOf, pipelineId } from './modes.ts';
import { inputKeys, readRange } from './read.ts';
import { runPipeline } from './run.ts';
import { guaranteeTopicSpecs } from './topics.ts';
import { auditPipeline } from './verify.ts';

useEngines('kafka', 'db');

const iso = isolated('guarantees', { TRANSACTIONS_PARTITIONS: '3' });
const c = iso.config;
const kafka: Kafka = createKafka('test-guarantees', c);
const N = 6_000;
const BAD = 6;
let db: Db;
let from: Offsets;
let to: Offsets;
let keys: string[];

beforeAll(async () => {
  await withAdmin(kafka, (admin) => ensureTopics(admin, guaranteeTopicSpecs(c)));
  await ensureDatabase(c.db.url);
  db = await openDb(c.db.url, 2);
  await migrate(db);
  from = await endOffsets(kafka, c.guarantees.input);
  await produceInput(kafka, c.guarantees.input, inputMessages({ ...c.generator, seed: 7 }, N, BAD, Date.now()));
  to = await endOffsets(kafka, c.guarantees.input);
  keys = inputKeys(await readRange(kafka, c.guarantees.input, from, to));
}, 60_000);

afterAll(async () => {
  await db?.pool.end();
  await iso.cleanup();
});

/** Runs `p` over the input with `faults`, and audits it (and, for Kafka, what the log holds uncommitted too). */
async function trial(p: Pipeline, runId: string, faults: Parameters<typeof runPipeline>[0]['faults']) {
  const names = namesOf(c, p);
  const outFrom = p.sink === 'kafka' ? await endOffsets(kafka, names.output) : undefined;
  const run = await runPipeline({
    pipeline: p,
    runId,
    from,
    to,
    faults,
    batch: 100,
    env: iso.env,
    onLine: process.env.DEBUG ? (l) => console.log(l) : undefined,
  });
  const output = outFrom ? { from: outFrom, to: await endOffsets(kafka, names.output) } : undefined;
  const base = { kafka, pool: db.pool, pipeline: p, names, runId, inputKeys: keys, output };
  const committed = await auditPipeline(base);
  const physical = output ? await auditPipeline({ ...base, readUncommitted: true }) : committed;
  return { run, committed, physical };
}

describe('a pipeline that crashes at the worst moment for its guarantee, then restarts', () => {
  for (const p of PIPELINES) {
    const id = pipelineId(p);
    test(`${id}: the audit finds exactly what its guarantee allows`, async () => {
      const { run, committed, physical } = await trial(p, `worst-${id}`, {
        crashAt: { phase: WORST_CRASH[p.mode], batch: 3 },
      });
      expect(run.crash).not.toBeNull();
      const interrupted = run.crash!.sources;
      expect(interrupted.length).toBeGreaterThan(0);
      expect(committed.input).toBe(N);
      // the bad records are rejected to the output like any other (unless at most once lost one)
      if (p.mode !== 'at-most-once') expect(committed.rejected).toBe(BAD);
      expect(committed.foreign).toBe(0);
      if (p.mode === 'at-most-once') {
        expect({ lost: committed.lost, duplicated: committed.duplicated }).toEqual({
          lost: interrupted.length,
          duplicated: 0,
        });
        expect(committed.examples.lost.every((k) => interrupted.includes(k))).toBe(true);
      } else if (p.mode === 'at-least-once') {
        expect({ lost: committed.lost, duplicated: committed.duplicated }).toEqual({
          lost: 0,
          duplicated: interrupted.length,
        });
        expect(committed.examples.duplicated.every((k) => interrupted.includes(k))).toBe(true);
      } else {
        expect({ lost: committed.lost, duplicated: committed.duplicated }).toEqual({ lost: 0, duplicated: 0 });
        // the aborted transaction's records are in the log: a read_uncommitted reader sees them twice
        if (p.sink === 'kafka') expect(physical.duplicated).toBe(interrupted.length);
      }
    }, 90_000);
  }
});

describe('exactly once under SIGKILLs from outside at arbitrary moments', () => {
  for (const p of PIPELINES.filter((x) => x.mode === 'exactly-once')) {
    const id = pipelineId(p);
    test(`${id}: nothing lost, nothing doubled`, async () => {
      const { run, committed } = await trial(p, `kills-${id}`, { killsAfterMs: [50, 150] });
      expect(run.kills.length).toBeGreaterThan(0);
      expect({ input: committed.input, lost: committed.lost, duplicated: committed.duplicated }).toEqual({
        input: N,
        lost: 0,
        duplicated: 0,
      });
    }, 90_000);
  }
});
