#!/usr/bin/env bun
// One windows process: a member of the windows consumer group that computes event-time windows over
// `transactions` (views.ts) and writes final results to transaction_aggregates and the window_results
// table, late events to transactions.late, anomalies to transaction_anomalies, until SIGINT/SIGTERM.
// Lab 06 and the tests start it as a child (process.ts); it reports its progress over IPC when there is
// a parent, and serves Prometheus metrics on the port its ready message names.
//   bun lib/windows/main.ts [--window 10] [--bound 2] [--lateness 1] [--idle 5] [--group name]
import { z } from 'zod';
import { announceReady, toParent } from '../child.ts';
import { config } from '../config.ts';
import { ensureDatabase, openDb } from '../db/connect.ts';
import { describeMigration, migrate } from '../db/migrate.ts';
import { number, parseFlags } from '../flags.ts';
import { createKafka, createProducer, groupConsumerConfig } from '../kafka.ts';
import { runLab } from '../lab.ts';
import { serveMetrics } from '../metrics.ts';
import { PartitionCounts } from '../send.ts';
import { AnomalyDetector } from './anomalies.ts';
import { type WindowsProgress, runWindows } from './consumer.ts';
import { WindowOperator } from './operator.ts';
import { standardViews } from './views.ts';

const c = config();
const secs = (max: number) => number().pipe(z.number().min(0).max(max));
const flags = {
  name: 'bun lib/windows/main.ts',
  summary: 'Event-time windows over the transactions topic, as one member of the windows consumer group.',
  shape: {
    window: secs(3_600).pipe(z.number().min(1)).default(10),
    bound: secs(600).default(2),
    lateness: secs(600).default(1),
    idle: secs(3_600).default(5),
    group: z
      .string()
      .regex(/^[\w.-]{1,200}$/, 'expected letters, digits, . _ -')
      .default(c.windows.group),
  },
  help: {
    window: 'tumbling window size, seconds (hopping: twice that, every window)',
    bound: 'disorder bound: the watermark trails the largest event time by this, seconds',
    lateness: 'allowed lateness: a window closes this long after the watermark passes its end, seconds',
    idle: 'seconds without an event before a partition stops holding the watermark back (0: never)',
    group: 'consumer group to join',
  },
};

export type WindowsIpcMessage =
  | { type: 'joined'; partitions: number[] }
  | { type: 'progress'; progress: WindowsProgress };

await runLab('windows', async ({ signal }) => {
  const args = parseFlags(flags);
  const say = (line: string) => console.error(line);
  const ms = (s: number) => Math.round(s * 1000);
  const windowMs = ms(args.window);
  const operator = new WindowOperator({
    views: standardViews(windowMs),
    boundMs: ms(args.bound),
    latenessMs: ms(args.lateness),
    idleTimeoutMs: ms(args.idle),
  });
  const metrics = await serveMetrics({ job: 'windows', instance: `windows/${process.pid}` });
  await ensureDatabase(c.db.url);
  const db = await openDb(c.db.url, 2);
  const kafka = createKafka('txlab-windows');
  const consumer = kafka.consumer(groupConsumerConfig(args.group));
  const producer = createProducer(kafka);
  const admin = kafka.admin();
  try {
    say(`windows: ${db.server}: ${describeMigration(await migrate(db))}`);
    await Promise.all([consumer.connect(), producer.connect(), admin.connect()]);
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      const mine = [...(e.payload.memberAssignment[c.topics.transactions] ?? [])].sort((a, b) => a - b);
      say(`windows: joined group ${args.group}: partitions ${mine.join(',') || 'none'} of ${c.topics.transactions}`);
      void toParent({ type: 'joined', partitions: mine } satisfies WindowsIpcMessage);
    });
    await announceReady(`windows: ready to join group ${args.group}`, { metricsPort: metrics.port });
    await runWindows({
      consumer,
      admin,
      producer,
      partitions: new PartitionCounts(kafka),
      pool: db.pool,
      topics: {
        input: c.topics.transactions,
        aggregates: c.topics.aggregates,
        anomalies: c.topics.anomalies,
        late: c.topics.late,
      },
      group: args.group,
      operator,
      detector: new AnomalyDetector(windowMs),
      signal,
      log: say,
      onProgress: (progress) => void toParent({ type: 'progress', progress } satisfies WindowsIpcMessage),
    });
  } finally {
    await consumer.disconnect().catch((e) => say(`windows: consumer disconnect: ${(e as Error).message}`));
    await Promise.all([producer.disconnect(), admin.disconnect()]).catch(() => {});
    await db.pool.end().catch(() => {});
    await metrics.close();
    const n = operator.counts;
    say(
      `windows: stopped: ${n.events} events, ${n.emitted} results, ${n.late} late, ${operator.openPanes} windows open`,
    );
  }
});
