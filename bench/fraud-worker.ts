#!/usr/bin/env bun
// The fraud benchmark's worker as a process of its own, so `bun run bench fraud --worker-runtime node`
// can measure what the runtime costs: the same workflows (fraud-workflows.ts: the review and a trivial
// one) and activities as the in-process worker, polling the bench's task queue until SIGTERM. Under Node
// it runs as a bundle that Bun builds for Node (bench/fraud.bench.ts), so it must not use Bun's APIs.
// Prints one line with "ready" once it polls.
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { config } from '../lib/config.ts';
import { openDb } from '../lib/db/connect.ts';
import { createActivities } from '../lib/fraud/review/activities.ts';
import { kafkaVerdictPublisher } from '../lib/fraud/review/publisher.ts';
import { ActivityLog } from '../lib/fraud/review/sql/activity-log.ts';
import { SqlHistoryReader } from '../lib/fraud/review/sql/history.ts';
import { VerdictStore } from '../lib/fraud/review/sql/verdicts.ts';
import { connectWorker, createReviewWorker, installRuntime } from '../lib/fraud/review/worker.ts';
import { createKafka, createProducer } from '../lib/kafka.ts';
import { PartitionCounts } from '../lib/send.ts';

const workflowsPath = process.env.TXLAB_BENCH_WORKFLOWS;
if (!workflowsPath) throw new Error('bench fraud worker: TXLAB_BENCH_WORKFLOWS (the workflows file) is not set');
const c = config();
installRuntime('ERROR');
const db = await openDb(c.db.url, 16);
const kafka = createKafka('bench-fraud-worker', c);
const producer = createProducer(kafka);
await producer.connect();
const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
const worker = await createReviewWorker({
  connection: await connectWorker(c),
  namespace: c.temporal.namespace,
  taskQueue: c.fraud.taskQueue,
  workflowBundle: { code },
  activities: createActivities({
    history: new SqlHistoryReader(db.pool, c.fraud.tables.history),
    verdicts: new VerdictStore(db.pool, c.fraud.tables.verdicts),
    publisher: kafkaVerdictPublisher(producer, new PartitionCounts(kafka), c.topics.verdicts),
    attempts: new ActivityLog(db.pool, c.fraud.tables.activityLog),
  }),
});
const runtime = typeof Bun === 'undefined' ? `node ${process.version}` : `bun ${Bun.version}`;
console.log(`bench fraud worker: ready on ${c.fraud.taskQueue} (${runtime}, pid ${process.pid})`);
await worker.run(); // until SIGTERM: the SDK's runtime shuts the worker down
await producer.disconnect().catch(() => {});
await db.pool.end().catch(() => {});
process.exit(0);
