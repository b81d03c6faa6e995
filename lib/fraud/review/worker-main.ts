#!/usr/bin/env bun
// `bun run fraud:worker`: the review worker as its own process, the way it runs in production (and
// the way lab 05 kills and restarts it). It ensures its tables and topic, connects to the database,
// Kafka and Temporal, says it is ready (a line, and an IPC message to a parent), and runs until SIGINT/SIGTERM, when it finishes the
// tasks in hand and exits. SIGKILL is the crash the workflows are built to survive.
import { announceReady } from '../../child.ts';
import { config } from '../../config.ts';
import { ensureDatabase, openDb } from '../../db/connect.ts';
import { createKafka, createProducer, ensureTopics, withAdmin } from '../../kafka.ts';
import { ensureStack } from '../../stack/index.ts';
import { topicSpecs } from '../../topics.ts';
import { createActivities } from './activities.ts';
import { kafkaVerdictPublisher } from './publisher.ts';
import { ActivityLog } from './sql/activity-log.ts';
import { SqlHistoryReader } from './sql/history.ts';
import { VerdictStore } from './sql/verdicts.ts';
import { connectWorker, createReviewWorker, installRuntime } from './worker.ts';

const c = config();
installRuntime();
await ensureStack({ engines: ['kafka', 'db', 'temporal'], quiet: true });

await ensureDatabase(c.db.url);
const { pool } = await openDb(c.db.url, 8);
const kafka = createKafka('fraud-worker');
const producer = createProducer(kafka);
try {
  const verdicts = new VerdictStore(pool, c.fraud.tables.verdicts);
  const attempts = new ActivityLog(pool, c.fraud.tables.activityLog);
  await verdicts.ensureTable();
  await attempts.ensureTable();
  await withAdmin(kafka, (admin) =>
    ensureTopics(
      admin,
      topicSpecs(c).filter((s) => s.topic === c.topics.verdicts),
    ),
  );
  await producer.connect();

  const worker = await createReviewWorker({
    connection: await connectWorker(c),
    namespace: c.temporal.namespace,
    taskQueue: c.fraud.taskQueue,
    activities: createActivities({
      history: new SqlHistoryReader(pool, c.fraud.tables.history),
      verdicts,
      publisher: kafkaVerdictPublisher(producer, c.topics.verdicts),
      attempts,
    }),
  });
  await announceReady(`fraud worker: ready on task queue ${c.fraud.taskQueue}`);
  await worker.run(); // until SIGINT/SIGTERM: the SDK's runtime then shuts the worker down gracefully
  console.log('fraud worker: stopped');
} finally {
  await producer.disconnect().catch(() => {});
  await pool.end().catch(() => {});
}
process.exit(0);
