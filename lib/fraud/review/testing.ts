// For the review's integration tests: everything a test needs on the real engines under names of its
// own (task queue, workflow id prefix, tables, verdicts topic), the same names as environment
// variables for a worker run as a child process, and one cleanup that removes them again.
import type { Client } from '@temporalio/client';
import type { Kafka, Producer } from 'kafkajs';
import type { Config } from '../../config.ts';
import { drainTopic } from '../../drain.ts';
import { createKafka, createProducer, ensureTopics, waitForTopic, withAdmin } from '../../kafka.ts';
import { PartitionCounts } from '../../send.ts';
import { isolated } from '../../testing/isolation.ts';
import { ensureDatabase, openDb } from '../../db/connect.ts';
import { migrate } from '../../db/migrate.ts';
import { writeRows } from '../../sink/writer.ts';
import { type ActivityDeps, createActivities } from './activities.ts';
import { type ReviewTarget, connectClient } from './client.ts';
import { kafkaVerdictPublisher } from './publisher.ts';
import type { RuleHit } from '../detect/rules/types.ts';
import type { Policy, ReviewInput, Verdict } from './schemas.ts';
import { ActivityLog } from './sql/activity-log.ts';
import { SqlHistoryReader } from './sql/history.ts';
import type { Pool } from 'mysql2/promise';
import { VerdictStore } from './sql/verdicts.ts';
import { connectWorker, createReviewWorker, installRuntime, reviewWorkflowBundle } from './worker.ts';
import { transaction } from '../../fixtures/transaction.ts';
import { flaggedReview } from '../../fixtures/review.ts';
import { type Child, spawnChild } from '../../child.ts';

export type FraudTestEnv = {
  /** the names, as environment variables (for `worker-main.ts` in a child process) */
  env: Record<string, string>;
  config: Config;
  target: ReviewTarget;
  pool: Pool;
  verdicts: VerdictStore;
  attempts: ActivityLog;
  kafka: Kafka;
  producer: Producer;
  client: Client;
  /** rows in the history table: the columns the history reader needs */
  addHistory(rows: { customer_id: string; amount: number; device_id: string; event_time: Date }[]): Promise<void>;
  cleanup(): Promise<void>;
};

export async function setupFraudTestEnv(): Promise<FraudTestEnv> {
  const iso = isolated('fraud');
  const config = iso.config;
  await ensureDatabase(config.db.url);
  const db = await openDb(config.db.url, 8);
  await migrate(db);
  const { pool } = db;
  const verdicts = new VerdictStore(pool, config.fraud.tables.verdicts);
  const attempts = new ActivityLog(pool, config.fraud.tables.activityLog);
  await verdicts.ensureTable();
  await attempts.ensureTable();
  const kafka = createKafka('test-fraud', config);
  await withAdmin(kafka, async (admin) => {
    await ensureTopics(admin, [{ topic: config.topics.verdicts, numPartitions: 1 }]);
    await waitForTopic(admin, config.topics.verdicts);
  });
  const producer = createProducer(kafka);
  await producer.connect();
  const client = await connectClient(config);
  return {
    env: iso.env,
    config,
    target: { taskQueue: config.fraud.taskQueue, workflowPrefix: config.fraud.workflowPrefix },
    pool,
    verdicts,
    attempts,
    kafka,
    producer,
    client,
    async addHistory(rows) {
      if (rows.length === 0) return;
      // whole transactions through the sink's own writer: the history is what the sink would have stored
      const stored = rows.map((r, i) => ({
        tx: transaction({
          transaction_id: crypto.randomUUID(),
          customer_id: r.customer_id,
          amount: r.amount,
          timestamp: r.event_time.toISOString(),
          device_info: { os: 'Android', app_version: '2.4.1', device_id: r.device_id },
        }),
        origin: { partition: 0, offset: String(i), timestampMs: Date.now() },
      }));
      await writeRows(pool, stored);
    },
    async cleanup() {
      await client.connection.close().catch(() => {});
      await producer.disconnect().catch(() => {});
      await pool.end();
      await iso.cleanup();
    },
  };
}

/** Every record on the test's verdicts topic so far, as (key, verdict). */
export async function publishedVerdicts(t: FraudTestEnv): Promise<{ key: string; value: Verdict }[]> {
  const offsets = await withAdmin(t.kafka, (admin) => admin.fetchTopicOffsets(t.config.topics.verdicts));
  const total = offsets.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
  const out: { key: string; value: Verdict }[] = [];
  await drainTopic(t.kafka, t.config.topics.verdicts, total, (m) =>
    out.push({ key: m.key!.toString(), value: JSON.parse(m.value!.toString()) }),
  );
  return out;
}

/** Starts a review worker in this process on the test's task queue; `deps` overrides the real activity dependencies. */
export async function startTestWorker(t: FraudTestEnv, deps: Partial<ActivityDeps> = {}) {
  installRuntime('ERROR');
  const worker = await createReviewWorker({
    connection: await connectWorker(t.config),
    namespace: t.config.temporal.namespace,
    taskQueue: t.target.taskQueue,
    workflowBundle: await reviewWorkflowBundle(),
    activities: createActivities({
      history: new SqlHistoryReader(t.pool, t.config.fraud.tables.history),
      verdicts: t.verdicts,
      publisher: kafkaVerdictPublisher(t.producer, new PartitionCounts(t.kafka), t.config.topics.verdicts),
      attempts: t.attempts,
      ...deps,
    }),
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

/** A review of a fresh transaction for `customer` that the rules flagged with `hits`. */
export function flagged(
  _t: FraudTestEnv,
  hits: RuleHit[],
  o: { customer?: string; amount?: number; policy?: Partial<Policy> } = {},
): ReviewInput {
  return flaggedReview(hits, { ...o, customer: o.customer ?? 'cust_42' });
}

export const hit = (rule: RuleHit['rule'], score: number): RuleHit => ({ rule, score, reason: `${rule} (test)` });

/** A review worker child process whose `activityType` stops `after` its work is logged as done (before
 * reporting it) or `during` its work (logged as started, never done): SIGKILL it there. */
export function spawnStallingWorker(t: FraudTestEnv, activityType: string, when: 'after' | 'during'): Child {
  return spawnChild({
    name: `stalling fraud worker (${activityType} ${when})`,
    main: 'lib/fraud/review/stalling-worker-main.ts',
    args: [activityType, when],
    env: t.env,
    readyTimeoutMs: 60_000,
  });
}
