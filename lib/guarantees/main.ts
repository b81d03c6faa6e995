#!/usr/bin/env bun
// One pipeline of lab 07: a member of its own consumer group that reads lab 07's input topic, settles
// each transaction and writes the result to a Kafka topic or the guarantee_outputs table, with one of
// three delivery guarantees (protocols.ts). Lab 07 and the tests start it as a child (process.ts) and
// SIGKILL it; `--crash-at after-write:3` makes it SIGKILL itself at that point of its third batch.
//   bun lib/guarantees/main.ts --pipeline exactly-once.kafka --run r1 [--batch 500] [--crash-at in-transaction:3]
import { resolve } from 'node:path';
import { z } from 'zod';
import { announceReady, toParent } from '../child.ts';
import { PROJECT_ROOT, config } from '../config.ts';
import { ensureDatabase, openDb } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { count, parseFlags } from '../flags.ts';
import { createKafka, createProducer, groupConsumerConfig } from '../kafka.ts';
import { runLab } from '../lab.ts';
import { PartitionCounts } from '../send.ts';
import { CRASH_PHASES, type CrashPhase, PIPELINES, namesOf, parsePipelineId, pipelineId } from './modes.ts';
import { type CrashReport, type Protocols, type StepProgress, runStep } from './step.ts';
import { readPositions } from './store.ts';
import { createTransactionalProducer, initTransactions } from './transactional.ts';

const c = config();
const flags = {
  name: 'bun lib/guarantees/main.ts',
  summary: "One of lab 07's pipelines: settle lab 07's input with one delivery guarantee, into Kafka or SQL.",
  shape: {
    pipeline: z.string().refine((s) => parsePipelineId(s) !== undefined, {
      message: `expected one of ${PIPELINES.map(pipelineId).join(', ')}`,
    }),
    run: z.string().regex(/^[\w.-]{1,64}$/, 'expected 1–64 letters, digits, . _ -'),
    batch: count().pipe(z.number().min(1).max(10_000)).default(500),
    crashAt: z
      .string()
      .regex(
        new RegExp(`^(${CRASH_PHASES.join('|')}):[1-9]\\d*$`),
        `expected <phase>:<batch>, phase one of ${CRASH_PHASES.join(', ')}`,
      )
      .optional(),
    protocol: z.string().min(1).optional(),
    from: z
      .string()
      .regex(/^(\d+:\d+)(,\d+:\d+)*$/, 'expected partition:offset[,partition:offset…], e.g. 0:120,1:98')
      .optional(),
  },
  help: {
    pipeline: 'which guarantee and sink, e.g. at-least-once.sql',
    run: 'the run these outputs belong to (rows and positions are kept per run)',
    batch: 'records per protocol step (at most; one partition each)',
    crashAt: 'SIGKILL this process at <phase> of its <batch>th batch, e.g. after-write:3',
    from: "where the run starts in each partition (its group has no offset there yet); default: the topic's start",
    protocol:
      "a module (path from the project root) whose exports replace protocols.ts's functions of the same name: an exercise's",
  },
};

export type GuaranteesIpcMessage =
  | { type: 'joined'; partitions: number[] }
  | { type: 'progress'; progress: StepProgress }
  | { type: 'crashing'; crash: CrashReport }
  | { type: 'stored'; positions: Record<string, number> };

await runLab('guarantees', async ({ signal }) => {
  const a = parseFlags(flags);
  const pipeline = parsePipelineId(a.pipeline)!;
  const id = pipelineId(pipeline);
  const names = namesOf(c, pipeline, a.run);
  const from = new Map((a.from?.split(',') ?? []).map((x) => x.split(':').map(Number) as [number, number]));
  const say = (line: string) => console.error(line);
  const protocols = a.protocol ? ((await import(resolve(PROJECT_ROOT, a.protocol))) as Partial<Protocols>) : undefined;
  const kafka = createKafka(`txlab-${id}`);
  const consumer = kafka.consumer({ ...groupConsumerConfig(names.group), sessionTimeout: 6_000 });
  const admin = kafka.admin();
  const producer =
    pipeline.sink !== 'kafka'
      ? undefined
      : pipeline.mode === 'exactly-once'
        ? createTransactionalProducer(kafka, names.transactionalId)
        : createProducer(kafka);
  let db: Awaited<ReturnType<typeof openDb>> | undefined;
  try {
    if (pipeline.sink === 'sql') {
      await ensureDatabase(c.db.url);
      db = await openDb(c.db.url, 2);
      await migrate(db);
    }
    await producer?.connect();
    // before reading any offset: fence older instances and end their open transaction
    if (pipeline.mode === 'exactly-once' && producer) await initTransactions(producer);
    await Promise.all([consumer.connect(), admin.connect()]);
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      const mine = [...(e.payload.memberAssignment[names.input] ?? [])].sort((x, y) => x - y);
      say(`${id}: joined group ${names.group}: partitions ${mine.join(',') || 'none'}`);
      void toParent({ type: 'joined', partitions: mine } satisfies GuaranteesIpcMessage);
    });
    const [phase, batch] = a.crashAt?.split(':') ?? [];
    await announceReady(`${id}: ready (run ${a.run}${a.crashAt ? `, crashing at ${a.crashAt}` : ''})`);
    await runStep({
      pipeline,
      names,
      scope: { runId: a.run, pipeline: id },
      consumer,
      producer,
      partitions: new PartitionCounts(kafka),
      pool: db?.pool,
      from,
      stored: async () => {
        if (pipeline.mode === 'exactly-once' && pipeline.sink === 'sql')
          return readPositions(db!.pool, { runId: a.run, pipeline: id }, names.input);
        const [t] = await admin.fetchOffsets({ groupId: names.group, topics: [names.input] });
        return new Map(
          (t?.partitions ?? []).filter((x) => Number(x.offset) >= 0).map((x) => [x.partition, Number(x.offset)]),
        );
      },
      onStored: (positions) => void toParent({ type: 'stored', positions } satisfies GuaranteesIpcMessage),
      batchSize: a.batch,
      protocols,
      crashAt: phase ? { phase: phase as CrashPhase, batch: Number(batch) } : undefined,
      onCrash: (crash) => toParent({ type: 'crashing', crash } satisfies GuaranteesIpcMessage),
      onProgress: (progress) => void toParent({ type: 'progress', progress } satisfies GuaranteesIpcMessage),
      log: say,
      signal,
    });
  } finally {
    await consumer.disconnect().catch((e) => say(`${id}: consumer disconnect: ${(e as Error).message}`));
    await producer?.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await db?.pool.end().catch(() => {});
  }
});
