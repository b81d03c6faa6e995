// The review worker as a process runs it (worker-main.ts, and a test's stalling variant): ensure its
// tables and topic, connect to the database, Kafka and Temporal, tell the parent it is ready, and run
// until SIGINT/SIGTERM, when the SDK finishes the tasks in hand. `attempts` lets a test's entry point
// wrap the activity log (to stop an activity at a chosen moment and kill the process there). It serves
// two metrics endpoints, each with its Prometheus target file (lib/metrics.ts): its own (job
// `fraud_worker`: verdicts, review latency) and the Temporal SDK runtime's (job `temporal_worker`).
import { announceReady } from '../../child.ts';
import type { Config } from '../../config.ts';
import { ensureDatabase, openDb } from '../../db/connect.ts';
import { createKafka, createProducer, ensureTopics, withAdmin } from '../../kafka.ts';
import { serveMetrics, writeTarget } from '../../metrics.ts';
import { freePort } from '../../ports.ts';
import { PartitionCounts } from '../../send.ts';
import { ensureStack } from '../../stack/index.ts';
import { topicSpecs } from '../../topics.ts';
import { type ActivityDeps, createActivities } from './activities.ts';
import { countingPublisher } from './metrics.ts';
import { kafkaVerdictPublisher } from './publisher.ts';
import { ActivityLog } from './sql/activity-log.ts';
import { SqlHistoryReader } from './sql/history.ts';
import { VerdictStore } from './sql/verdicts.ts';
import { connectWorker, createReviewWorker, installRuntime } from './worker.ts';

export type ServeOptions = {
  attempts?: (log: ActivityLog) => NonNullable<ActivityDeps['attempts']>;
};

/** Runs the review worker until it is told to stop. */
export async function serveReviewWorker(c: Config, o: ServeOptions = {}): Promise<void> {
  const sdkPort = await freePort();
  installRuntime('WARN', { prometheusPort: sdkPort });
  const instance = `fraud-worker/${process.pid}`;
  const sdkTarget = writeTarget({ job: 'temporal_worker', instance, port: sdkPort });
  const metrics = await serveMetrics({ job: 'fraud_worker', instance });
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
        publisher: countingPublisher(kafkaVerdictPublisher(producer, new PartitionCounts(kafka), c.topics.verdicts)),
        attempts: o.attempts ? o.attempts(attempts) : attempts,
      }),
    });
    await announceReady(`fraud worker: ready on task queue ${c.fraud.taskQueue}`, { metricsPort: metrics.port });
    await worker.run(); // until SIGINT/SIGTERM: the SDK's runtime then shuts the worker down gracefully
    console.log('fraud worker: stopped');
  } finally {
    await producer.disconnect().catch(() => {});
    await pool.end().catch(() => {});
    await metrics.close();
    sdkTarget.remove();
  }
}
