// Lab 05's running parts, started in order and stopped in reverse, in one place: the sink (lab 03's: it
// stores the transactions the reviews read back), the review worker (a child process the lab kills
// and restarts), this run's consumer groups at the end of their topics, the verdicts feed with the
// demo analyst, and the fraud consumer (the rules in the stream, a review workflow per risky one).
// When a worker dies without the lab's hand (supervisor.ts), no review can finish: the launcher is
// closed, the fraud consumer paused, and `workerLost` fires for the live phase to wind down.
import type { Client } from '@temporalio/client';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Config } from '../../lib/config.ts';
import { openDb } from '../../lib/db/connect.ts';
import { type ConsumerStats, runFraudConsumer } from '../../lib/fraud/consumer.ts';
import { RiskEngine, engineOptions } from '../../lib/fraud/detect/engine.ts';
import { policyFrom } from '../../lib/fraud/detect/policy.ts';
import type { FraudTuning } from '../../lib/fraud/detect/thresholds.ts';
import { type ActivityAudit, auditActivities } from '../../lib/fraud/review/audit.ts';
import { type ReviewTarget, connectClient, reviewWorkflowId } from '../../lib/fraud/review/client.ts';
import { ReviewLauncher } from '../../lib/fraud/review/launcher.ts';
import type { Verdict } from '../../lib/fraud/review/schemas.ts';
import { ActivityLog } from '../../lib/fraud/review/sql/activity-log.ts';
import { VerdictStore } from '../../lib/fraud/review/sql/verdicts.ts';
import { createProducer, withAdmin } from '../../lib/kafka.ts';
import type { Topics } from '../../lib/produce.ts';
import { PartitionCounts } from '../../lib/send.ts';
import { spawnSink } from '../../lib/sink/process.ts';
import type { LabClock } from './clock.ts';
import { DemoAnalyst } from './demo-analyst.ts';
import { startGroupAtEnd } from './groups.ts';
import { WorkerSupervisor } from './supervisor.ts';
import type { RunTracker } from './tracker.ts';
import { VerdictFeed, followVerdicts } from './verdict-feed.ts';

export type PipelineOptions = {
  config: Config;
  kafka: Kafka;
  runId: string;
  tuning: FraudTuning;
  clock: LabClock;
  tracker: RunTracker;
  signal: AbortSignal;
};

export type Pipeline = {
  topics: Topics;
  target: ReviewTarget;
  store: VerdictStore;
  attempts: ActivityLog;
  producer: Producer;
  /** partitions per topic, for sending one send() per partition (lib/send.ts) */
  counts: PartitionCounts;
  client: Client;
  supervisor: WorkerSupervisor;
  launcher: ReviewLauncher;
  consumer: ConsumerStats;
  feed: VerdictFeed;
  analyst: DemoAnalyst;
  /** the first worker polls its task queue (it bundles its workflows meanwhile: a few seconds) */
  workerReady: Promise<void>;
  /** fires when a worker dies unplanned (supervisor.loss says which, and when) */
  workerLost: AbortSignal;
  /** `f` runs first when the pipeline stops (timers the lab set on it) */
  defer(f: () => void): void;
};

/** Starts the pipeline, runs `f` with it, and stops every part that started, whatever happens. */
export async function withPipeline<T>(o: PipelineOptions, f: (p: Pipeline) => Promise<T>): Promise<T> {
  const c = o.config;
  const topics = { transactions: c.topics.transactions, labels: c.topics.labels };
  const target = { taskQueue: c.fraud.taskQueue, workflowPrefix: c.fraud.workflowPrefix };
  const verdictGroup = `${c.fraud.group}.verdicts-${o.runId}`;
  const deferred: (() => void)[] = [];
  const db = await openDb(c.db.url, 4);
  const supervisor = new WorkerSupervisor(o.clock.now);
  const producer = createProducer(o.kafka);
  const fraudConsumer = o.kafka.consumer({ groupId: c.fraud.group, maxWaitTimeInMs: 100 });
  let sink: ReturnType<typeof spawnSink> | undefined;
  let client: Client | undefined;
  let verdictConsumer: Consumer | undefined;
  try {
    const store = new VerdictStore(db.pool, c.fraud.tables.verdicts);
    const attempts = new ActivityLog(db.pool, c.fraud.tables.activityLog);
    await store.ensureTable();
    await attempts.ensureTable();
    sink = spawnSink({ id: 'lab05-sink' });
    client = await connectClient(c);
    const workerReady = supervisor.start().then(() => {});
    workerReady.catch(() => {}); // awaited by the lab, after the history
    await sink.ready;

    // this run's groups start at the end of their topics: the run reads what it produces
    await withAdmin(o.kafka, async (admin) => {
      await startGroupAtEnd(admin, c.fraud.group, topics.transactions);
      await startGroupAtEnd(admin, verdictGroup, c.topics.verdicts);
    });
    const analyst = new DemoAnalyst(client, store, target, o.clock.now);
    const feed = new VerdictFeed((v, previous) => {
      o.tracker.verdict(v, previous);
      if (o.tracker.isLive(v.transaction_id)) analyst.consider(v);
    });
    verdictConsumer = await followVerdicts(o.kafka, c.topics.verdicts, verdictGroup, feed);
    await producer.connect();
    await fraudConsumer.connect();
    // a slot frees within a hold timeout while a worker runs; far longer means none does
    const launcher = new ReviewLauncher(client, {
      ...target,
      maxInFlight: o.tuning.maxInFlight,
      slotTimeoutMs: o.tuning.holdTimeoutMs + 60_000,
    });
    const consumer = await runFraudConsumer({
      consumer: fraudConsumer,
      topic: topics.transactions,
      engine: new RiskEngine(engineOptions(o.tuning)),
      launcher,
      policy: policyFrom(o.tuning),
      maxEventAgeMs: o.tuning.maxEventAgeMs,
      signal: o.signal,
      onAssessed: (_tx, a, reviewed) => o.tracker.assessed(a, reviewed),
    });
    const lost = new AbortController();
    void supervisor.lost.then((loss) => {
      launcher.close(`the review worker died (${loss.detail})`);
      try {
        fraudConsumer.pause([{ topic: topics.transactions }]); // nothing more to review: stop reading
      } catch {} // not running (yet, or any more): nothing to pause
      lost.abort(loss);
    });
    const defer = (g: () => void) => void deferred.push(g);
    return await f({
      topics,
      target,
      store,
      attempts,
      producer,
      counts: new PartitionCounts(o.kafka),
      client,
      supervisor,
      launcher,
      consumer,
      feed,
      analyst,
      workerReady,
      workerLost: lost.signal,
      defer,
    });
  } finally {
    for (const g of deferred.reverse()) g();
    await fraudConsumer.disconnect().catch(() => {});
    await verdictConsumer?.disconnect().catch(() => {});
    await withAdmin(o.kafka, (admin) => admin.deleteGroups([verdictGroup])).catch(() => {}); // this run's reader only
    await supervisor.stop();
    await sink?.stop();
    await producer.disconnect().catch(() => {});
    await client?.connection.close().catch(() => {});
    await db.pool.end().catch(() => {});
  }
}

/** How these reviews ended, as the store and the server have it: their verdicts, and the audit of their activities' attempts. */
export async function reviewOutcomes(
  p: Pipeline,
  transactionIds: readonly string[],
): Promise<{ verdicts: Map<string, Verdict>; activities: ActivityAudit }> {
  const verdicts = new Map((await p.store.forTransactions(transactionIds)).map((v) => [v.transaction_id, v]));
  const workflowIds = transactionIds.map((id) => reviewWorkflowId(p.target.workflowPrefix, id));
  return { verdicts, activities: await auditActivities(p.client, p.attempts, workflowIds) };
}
