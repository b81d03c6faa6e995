#!/usr/bin/env bun
// One sink process: a member of the sink consumer group that stores `transactions` in the database
// until SIGINT/SIGTERM. Start several to share the partitions. Lab 03 and the tests start it as a child
// process (lib/sink/process.ts); it reports its counters to a parent over IPC when there is one, and
// serves them as Prometheus metrics on the port its ready message names (lib/metrics.ts).
//   bun lib/sink/main.ts [--id sink-1] [--batch 1000] [--concurrency 3] [--write-path load-data|insert] [--group name]
import { z } from 'zod';
import { announceReady, toParent } from '../child.ts';
import { config } from '../config.ts';
import { ensureDatabase, openDb } from '../db/connect.ts';
import { describeMigration, migrate } from '../db/migrate.ts';
import { count, parseFlags } from '../flags.ts';
import { createKafka, createProducer, groupConsumerConfig } from '../kafka.ts';
import { serveMetrics } from '../metrics.ts';
import { PartitionCounts } from '../send.ts';
import { runLab } from '../lab.ts';
import { fmt } from '../terminal.ts';
import { SinkCounters } from './counters.ts';
import { sinkMetrics } from './metrics.ts';
import { SINK_TUNING, runSink } from './sink.ts';

const c = config();
const flags = {
  name: 'bun lib/sink/main.ts',
  summary: 'Stores the transactions topic in SQL, as one member of the sink consumer group.',
  shape: {
    id: z
      .string()
      .regex(/^[\w.-]{1,40}$/, 'expected letters, digits, . _ -')
      .default('sink'),
    batch: count().pipe(z.number().min(1).max(20_000)).default(SINK_TUNING.batchRows),
    concurrency: count().pipe(z.number().min(1).max(64)).default(SINK_TUNING.concurrency),
    writePath: z.enum(['load-data', 'insert']).default(SINK_TUNING.writePath),
    group: z
      .string()
      .regex(/^[\w.-]{1,200}$/, 'expected letters, digits, . _ -')
      .default(c.sink.group),
  },
  help: {
    id: 'name in logs and reports',
    batch: 'messages per database transaction',
    concurrency: 'partitions written at once',
    writePath: 'load-data (LOAD DATA LOCAL INFILE from memory) or insert (multi-row INSERT): same rows, same counts',
    group: 'consumer group to join (default: the sink group)',
  },
};

export type SinkIpcMessage =
  | { type: 'joined'; partitions: number[] }
  | { type: 'stats'; final: boolean; snapshot: ReturnType<SinkCounters['snapshot']> };
const send = (m: SinkIpcMessage) => toParent(m);

await runLab('sink', async ({ signal }) => {
  const args = parseFlags(flags);
  const say = (line: string) => console.error(`${args.id}: ${line}`);
  const stats = new SinkCounters(args.id);
  const metrics = await serveMetrics({ job: 'sink', instance: `${args.id}/${process.pid}` });

  await ensureDatabase(c.db.url);
  const db = await openDb(c.db.url, args.concurrency + 1);
  const kafka = createKafka(`txlab-${args.id}`);
  const consumer = kafka.consumer(groupConsumerConfig(args.group));
  const dlq = createProducer(kafka);
  const ticker = setInterval(() => void send({ type: 'stats', final: false, snapshot: stats.snapshot() }), 500);
  try {
    say(`${db.server}: ${describeMigration(await migrate(db))}`);
    await Promise.all([consumer.connect(), dlq.connect()]);
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      const mine = [...(e.payload.memberAssignment[c.topics.transactions] ?? [])].sort((a, b) => a - b);
      say(`joined group ${args.group}: partitions ${mine.join(',') || 'none'} of ${c.topics.transactions}`);
      sinkMetrics.assignedPartitions.set(mine.length);
      void send({ type: 'joined', partitions: mine });
    });
    await announceReady(`${args.id}: ready to join group ${args.group}`, { metricsPort: metrics.port });
    // runSink's lines start `sink: `: name this sink instead
    const log = (line: string) => say(line.replace(/^sink: /, ''));
    await runSink({
      consumer,
      pool: db.pool,
      dlq: { producer: dlq, partitions: new PartitionCounts(kafka), topic: c.topics.dlq },
      topic: c.topics.transactions,
      group: args.group,
      batchRows: args.batch,
      concurrency: args.concurrency,
      write: { path: args.writePath, dialect: db.dialect },
      stats,
      signal,
      log,
    });
  } finally {
    clearInterval(ticker);
    // leave the group first, so its partitions move to the other sinks at once
    await consumer.disconnect().catch((e) => say(`consumer disconnect: ${(e as Error).message}`));
    await dlq.disconnect().catch(() => {});
    await db.pool.end().catch(() => {});
    await metrics.close();
    await send({ type: 'stats', final: true, snapshot: stats.snapshot(true) });
    const rejected = Object.values(stats.dlq).reduce((a, b) => a + b, 0);
    say(
      `stopped: ${fmt(stats.messages)} messages, ${fmt(stats.rowsInserted)} rows inserted, ${fmt(stats.duplicates)} duplicates, ${rejected} to the DLQ, ${stats.retries} retries`,
    );
  }
});
