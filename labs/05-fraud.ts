#!/usr/bin/env bun
// Lab 05 — fraud checks with Temporal: rules in the stream, durable reviews, an analyst's decision,
// scored against ground truth.
//
// Goal: a consumer group (`fraud`) runs every transaction through per-customer rules (velocity, a
// high-value streak, impossible travel, a new device, an amount far above the customer's median).
// Only the risky few start a Temporal workflow — one per transaction, its id derived from the
// transaction id — which reads the customer's record from the database, then approves, declines, or
// holds for an analyst (declining when the hold times out). Verdicts go to a table and the
// transaction_verdicts topic. Halfway through, the worker process is killed with SIGKILL and started
// again: the reviews it had in hand finish on the new one, and no completed activity runs twice.
//
// The live stream plays in time-lapse (--speed 30: a second of wall clock is 30 s of transactions), so
// patterns that unfold over minutes fit in a minute; rules and database work in event time.
//
// Expect: a day of history (it warms the rules; the sink stores it for the reviews to read), then a
// live stream with injected fraud and a line per second (produced, reviewed, in flight, verdicts,
// worker up/down). The lab approves one held transaction itself, as an analyst would with
// `bun run analyst approve <id>`. Then precision and recall per fraud pattern, verdicts, workflows/s,
// review latency p50/p99 (and during the outage), the activity-attempt audit, and data/05-fraud.json
// for notebook 05. The reviews are in the Temporal UI (link printed at the end).
import { z } from 'zod';
import { config, EMBEDDED } from '../lib/config.ts';
import { ensureDatabase, openDb } from '../lib/db/connect.ts';
import { count, number, parseFlags, seconds } from '../lib/flags.ts';
import { auditActivities } from '../lib/fraud/audit.ts';
import { connectClient, reviewWorkflowId } from '../lib/fraud/client.ts';
import { runFraudConsumer } from '../lib/fraud/consumer.ts';
import { RiskEngine, engineOptions } from '../lib/fraud/engine.ts';
import { liveStream, skipToEpisode, withFreshId } from '../lib/fraud/lab/stream.ts';
import { DemoAnalyst } from '../lib/fraud/lab/demo-analyst.ts';
import { startGroupAtEnd } from '../lib/fraud/lab/groups.ts';
import { type Lab05Samples, buildResult, printSummary } from '../lib/fraud/lab/report.ts';
import { WorkerSupervisor } from '../lib/fraud/lab/supervisor.ts';
import { RunTracker } from '../lib/fraud/lab/tracker.ts';
import { VerdictFeed, followVerdicts } from '../lib/fraud/lab/verdict-feed.ts';
import { waitForHistory } from '../lib/fraud/lab/warmup.ts';
import { ReviewLauncher } from '../lib/fraud/launcher.ts';
import { policyFrom } from '../lib/fraud/policy.ts';
import { FRAUD_TUNING, tuning } from '../lib/fraud/thresholds.ts';
import { ActivityLog } from '../lib/fraud/sql/activity-log.ts';
import { VerdictStore } from '../lib/fraud/sql/verdicts.ts';
import { TransactionGenerator } from '../lib/generator/index.ts';
import { createKafka, createProducer, ensureTopics, withAdmin } from '../lib/kafka.ts';
import { runLab } from '../lib/lab.ts';
import { waitUntil } from '../lib/wait.ts';
import { DeliveryStats, produceAll, produceLive } from '../lib/produce.ts';
import { fmt, progress } from '../lib/terminal.ts';
import { Lab05Result } from '../lib/results/lab05.ts';
import { envelope, newRunId, writeResult } from '../lib/results/write.ts';
import { spawnSink } from '../lib/sink/process.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { topicSpecs } from '../lib/topics.ts';

const c = config();
const flags = {
  name: 'bun run lab:05',
  summary: 'Fraud rules in the stream, Temporal reviews of the risky ones, a worker crash, scored against ground truth.',
  shape: {
    duration: seconds(40),
    rate: number().pipe(z.number().positive().max(2_000)).default(25),
    speed: number().pipe(z.number().min(1).max(1_000)).default(30),
    fraudRate: number().pipe(z.number().min(0.005).max(0.5)).default(0.1),
    customers: count().pipe(z.number().min(10).max(1_000_000)).default(4000),
    history: count().pipe(z.number().min(0).max(2_000_000)).default(32_000),
    holdTimeout: seconds(15),
    killAt: number().pipe(z.number().min(0)).optional(),
    down: number().pipe(z.number().min(0).max(600)).default(5),
    maxInFlight: count().pipe(z.number().min(1).max(10_000)).default(FRAUD_TUNING.maxInFlight),
    episode: count().pipe(z.number().min(0).max(100_000)).optional(),
  },
  help: {
    duration: 'seconds of live stream',
    rate: 'live events per second (wall clock)',
    speed: 'time-lapse: seconds of event time per second of wall clock (the injected patterns unfold over minutes)',
    fraudRate: 'share of live events that are injected fraud',
    customers: 'customers in the population (more customers: fewer honest bursts that look like velocity fraud)',
    history: 'events of the past day, produced first to warm the rules and fill the database',
    holdTimeout: 'seconds a hold waits for an analyst before it declines',
    killAt: 'second of the live stream at which the worker is killed (default: half the duration; ≥ duration: never)',
    down: 'seconds the worker stays down',
    maxInFlight: 'review workflows running at once (the consumer waits for a free slot)',
    episode: 'stretch of the seeded stream to use (default: random; printed, so a run can be replayed)',
  },
};

const DAY_MS = 86_400_000;

await runLab('lab 05', async ({ signal }) => {
  const args = parseFlags(flags);
  const runId = newRunId('05');
  const startedAt = new Date();
  const episode = args.episode ?? 1 + Math.floor(Math.random() * 999);
  const killAt = args.killAt ?? args.duration / 2;
  const tune = tuning({ holdTimeoutMs: Math.round(args.holdTimeout * 1000), maxInFlight: args.maxInFlight });
  const policy = policyFrom(tune);
  const target = { taskQueue: c.fraud.taskQueue, workflowPrefix: c.fraud.workflowPrefix };
  const topics = { transactions: c.topics.transactions, labels: c.topics.labels };
  let t0 = Date.now();
  const clock = () => (Date.now() - t0) / 1000;

  // 1. engines, topics, tables; the sink (lab 03) stores transactions, which the reviews read back
  await ensureStack({ engines: ['kafka', 'db', 'temporal'] });
  const kafka = createKafka('lab05');
  await withAdmin(kafka, (admin) => ensureTopics(admin, topicSpecs(c)));
  await ensureDatabase(c.db.url);
  const db = await openDb(c.db.url, 4);
  const store = new VerdictStore(db.pool, c.fraud.tables.verdicts);
  const attempts = new ActivityLog(db.pool, c.fraud.tables.activityLog);
  await store.ensureTable();
  await attempts.ensureTable();
  const sink = spawnSink({ id: 'lab05-sink' });
  const supervisor = new WorkerSupervisor(clock);
  const tracker = new RunTracker(clock);
  const producer = createProducer(kafka);
  const client = await connectClient(c);
  const fraudConsumer = kafka.consumer({ groupId: c.fraud.group, maxWaitTimeInMs: 100 });
  let verdictConsumer: Awaited<ReturnType<typeof followVerdicts>> | undefined;
  const timers: ReturnType<typeof setTimeout>[] = [];
  let ticker: ReturnType<typeof setInterval> | undefined;
  const verdictGroup = `${c.fraud.group}.verdicts-${runId}`;

  try {
    // 2. the review worker, a child process (it bundles its workflows meanwhile: a few seconds)
    const firstWorker = supervisor.start();
    firstWorker.catch(() => {}); // awaited below, after the history
    await sink.ready;

    // 3. this run's groups start at the end of their topics: the run reads what it produces
    await withAdmin(kafka, async (admin) => {
      await startGroupAtEnd(admin, c.fraud.group, topics.transactions);
      await startGroupAtEnd(admin, verdictGroup, c.topics.verdicts);
    });
    const analyst = new DemoAnalyst(client, store, target, clock);
    const feed = new VerdictFeed((v, previous) => {
      tracker.verdict(v, previous);
      if (tracker.isLive(v.transaction_id)) analyst.consider(v);
    });
    verdictConsumer = await followVerdicts(kafka, c.topics.verdicts, verdictGroup, feed);
    await producer.connect();
    await fraudConsumer.connect();
    const launcher = new ReviewLauncher(client, { ...target, maxInFlight: tune.maxInFlight });
    const consumerStats = await runFraudConsumer({
      consumer: fraudConsumer,
      topic: topics.transactions,
      engine: new RiskEngine(engineOptions(tune)),
      launcher,
      policy,
      maxEventAgeMs: tune.maxEventAgeMs,
      signal,
      onAssessed: (_tx, a, reviewed) => tracker.assessed(a, reviewed),
    });

    // 4. a day of history: it warms the rules (too old to review) and the sink stores it for the reviews
    const gen = new TransactionGenerator({ ...c.generator, customerCount: args.customers, fraudRate: args.fraudRate });
    skipToEpisode(gen, episode);
    const history = gen.backfill(args.history, Date.now() - DAY_MS, Date.now() - tune.maxEventAgeMs - 60_000).map(withFreshId);
    for (const e of history) tracker.add(e, false);
    const warm = progress('history');
    const historyStats = new DeliveryStats();
    await produceAll(producer, topics, history, historyStats, { signal, onProgress: () => warm.update(`${fmt(historyStats.acked)}/${fmt(history.length)} produced`) });
    await waitForHistory({
      kafka, topic: topics.transactions, sinkGroup: c.sink.group, events: historyStats.acked, rulesRead: () => tracker.historyConsumed, signal,
      onProgress: (p) => warm.update(`${fmt(historyStats.acked)} produced, ${fmt(p.rulesRead)} read by the rules, sink ${fmt(p.sinkBehind)} behind`),
    });
    warm.done(`${fmt(historyStats.acked)} events of the past day produced, stored by the sink, read by the rules (${fmt(consumerStats.stale)} flagged but too old to review)`);
    await firstWorker;

    // 5. the live stream; the worker is killed at `killAt` and started again `down` seconds later
    t0 = Date.now();
    const before = supervisor.events.length; // the first start was before the live clock began
    const liveStats = new DeliveryStats();
    const samples: Lab05Samples = { timeline: [], events: [], analyst: null };
    const live = progress('live');
    const sample = () => {
      const s = { t_s: Math.round(clock() * 10) / 10, produced: liveStats.acked, consumed: tracker.liveConsumed, reviewed: tracker.liveReviewed, in_flight: launcher.stats.inFlight, completed: launcher.stats.completed, ...tracker.shown, worker_up: supervisor.up };
      samples.timeline.push(s);
      live.update(`${s.t_s.toFixed(0)} s  produced ${fmt(s.produced)}  reviewed ${s.reviewed}  in flight ${s.in_flight}  approve ${s.approve}  decline ${s.decline}  hold ${s.hold}  worker ${s.worker_up ? 'up' : 'DOWN'}`);
    };
    ticker = setInterval(sample, 1000);
    if (killAt < args.duration) {
      timers.push(setTimeout(() => void supervisor.crash(), killAt * 1000));
      timers.push(setTimeout(() => supervisor.start().catch((e) => console.error(`lab 05: the restarted worker failed: ${(e as Error).message}`)), (killAt + args.down) * 1000));
    }
    const stream = liveStream(gen, t0, args.rate, args.speed, (e) => tracker.add(e, true));
    const sent = await produceLive(producer, topics, stream, liveStats, { durationMs: args.duration * 1000, signal });
    tracker.keepSent(sent);
    const liveSeconds = clock();

    // 6. drain: every live event read, every review finished (unanswered holds decline at their timeout)
    const drainMs = policy.hold_timeout_ms + (killAt + args.down > liveSeconds ? (killAt + args.down - liveSeconds) * 1000 : 0) + 30_000;
    await waitUntil('the reviews to finish', async () => (signal.aborted || (tracker.liveConsumed >= sent.length && launcher.stats.inFlight === 0 && supervisor.up) ? true : undefined), { timeoutMs: drainMs, intervalMs: 250 }).catch((e) => console.error(`lab 05: ${(e as Error).message}; reporting what finished`));
    const shownFinal = () => tracker.shown.approve + tracker.shown.decline >= launcher.stats.completed;
    await waitUntil('the last verdicts on the topic', async () => (shownFinal() || signal.aborted ? true : undefined), { timeoutMs: 10_000, intervalMs: 50 }).catch(() => {});
    clearInterval(ticker);
    sample();
    live.done(`${fmt(liveStats.acked)} live events in ${liveSeconds.toFixed(1)} s; ${launcher.stats.started} reviews started, ${launcher.stats.completed} finished`);
    samples.events.push(...supervisor.events.slice(before), { t_s: liveSeconds, kind: 'live_end', detail: `${sent.length} events` });
    if (analyst.decided) {
      const a = analyst.decided;
      samples.analyst = { ...a, final_verdict: feed.latest.get(a.transaction_id)?.verdict ?? null };
      samples.events.push({ t_s: a.at_s, kind: 'analyst_approved', detail: a.transaction_id });
    }

    // 7. score against the labels, audit the activity attempts, report
    const reviews = tracker.reviews();
    const verdicts = new Map((await store.forTransactions(reviews.map((r) => r.transaction_id))).map((v) => [v.transaction_id, v]));
    const workflowIds = reviews.map((r) => reviewWorkflowId(target.workflowPrefix, r.transaction_id));
    const result = buildResult({
      envelope: envelope('05-fraud', runId, startedAt),
      args: { ...args, episode, killAt },
      config: c,
      tuning: tune,
      history: historyStats.acked,
      liveSeconds,
      live: sent,
      consumer: consumerStats,
      launcher: launcher.stats,
      tracker,
      verdicts,
      feed,
      activities: await auditActivities(client, attempts, workflowIds),
      supervisor,
      samples,
      interrupted: signal.aborted,
    });
    printSummary(result, { uiUrl: c.temporal.managed ? `http://127.0.0.1:${EMBEDDED.temporalUiPort}` : null, namespace: c.temporal.namespace });
    console.log(`\nlab 05: wrote ${writeResult(Lab05Result, result)}`);
  } finally {
    for (const t of timers) clearTimeout(t);
    clearInterval(ticker);
    await fraudConsumer.disconnect().catch(() => {});
    await verdictConsumer?.disconnect().catch(() => {});
    await withAdmin(kafka, (admin) => admin.deleteGroups([verdictGroup])).catch(() => {}); // this run's reader only
    await supervisor.stop();
    await sink.stop();
    await producer.disconnect().catch(() => {});
    await client.connection.close().catch(() => {});
    await db.pool.end().catch(() => {});
  }
});
