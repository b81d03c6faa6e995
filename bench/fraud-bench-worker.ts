// The fraud benchmark's worker, built the same way in the bench's process (`--worker in-process`) and in a
// process of its own (bench/fraud-worker.ts): the bench's workflows (fraud-workflows.ts: the review and a
// trivial one), bundled once, and lab 05's activities on the bench's own tables and verdicts topic.
import { DefaultLogger, type NativeConnection, type Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import type { Config } from '../lib/config.ts';
import { createActivities } from '../lib/fraud/review/activities.ts';
import { kafkaVerdictPublisher } from '../lib/fraud/review/publisher.ts';
import { ActivityLog } from '../lib/fraud/review/sql/activity-log.ts';
import { SqlHistoryReader } from '../lib/fraud/review/sql/history.ts';
import { VerdictStore } from '../lib/fraud/review/sql/verdicts.ts';
import { createReviewWorker } from '../lib/fraud/review/worker.ts';
import { PartitionCounts } from '../lib/send.ts';

export async function benchWorker(o: {
  c: Config;
  connection: NativeConnection;
  pool: Pool;
  kafka: Kafka;
  producer: Producer;
  workflowsPath: string;
}): Promise<Worker> {
  const { c } = o;
  const { code } = await bundleWorkflowCode({ workflowsPath: o.workflowsPath, logger: new DefaultLogger('WARN') });
  return createReviewWorker({
    connection: o.connection,
    namespace: c.temporal.namespace,
    taskQueue: c.fraud.taskQueue,
    workflowBundle: { code },
    activities: createActivities({
      history: new SqlHistoryReader(o.pool, c.fraud.tables.history),
      verdicts: new VerdictStore(o.pool, c.fraud.tables.verdicts),
      publisher: kafkaVerdictPublisher(o.producer, new PartitionCounts(o.kafka), c.topics.verdicts),
      attempts: new ActivityLog(o.pool, c.fraud.tables.activityLog),
    }),
  });
}
