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
// Expect: a day of history (it warms the rules; the sink stores it for the reviews to read), then the
// rate the live stream aims at (--rate × PEAK_FACTOR while its event time is in peak hours), then a line
// per second (produced, lag, reviewed, in flight, verdicts, worker up/down). The lab approves one held
// transaction itself, as an analyst would with `bun run analyst approve <id>`. Then precision and recall
// per fraud pattern and per rule, who declined (the review, an analyst, a hold timeout), whether the
// --max-in-flight cap was reached, verdicts, workflows/s, review latency p50/p99 (and during the
// outage), the activity-attempt audit, and data/05-fraud.json for notebook 05. The reviews are in the Temporal UI (link printed at the end).
//
// If a worker dies without the lab's hand (a second crash), no review can finish: the lab says so,
// stops the stream, waits a few seconds, reports the reviews left open and exits with code 1 — the run
// did not show what it set out to, and a script running the lab must not take it for a good one.
import { z } from 'zod';
import { config, EMBEDDED } from '../lib/config.ts';
import { ensureDatabase } from '../lib/db/connect.ts';
import { TxlabError } from '../lib/errors.ts';
import { count, number, parseFlags, seconds } from '../lib/flags.ts';
import { FRAUD_TUNING, tuning } from '../lib/fraud/detect/thresholds.ts';
import { TransactionGenerator } from '../lib/generator/index.ts';
import { createKafka, ensureTopics, withAdmin } from '../lib/kafka.ts';
import { runLab } from '../lib/lab.ts';
import { serveMetrics } from '../lib/metrics.ts';
import { Lab05Result } from '../lib/results/lab05.ts';
import { envelope, newRunId, writeResult } from '../lib/results/write.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { topicSpecs } from '../lib/topics.ts';
import { LabClock } from './05-fraud/clock.ts';
import { LiveRun } from './05-fraud/live.ts';
import { reviewOutcomes, withPipeline } from './05-fraud/pipeline.ts';
import { buildResult, printSummary } from './05-fraud/report.ts';
import { skipToEpisode } from './05-fraud/stream.ts';
import { RunTracker } from './05-fraud/tracker.ts';
import { warmUp } from './05-fraud/warmup.ts';

const c = config();
const flags = {
  name: 'bun run lab:05',
  summary:
    'Fraud rules in the stream, Temporal reviews of the risky ones, a worker crash, scored against ground truth.',
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
    rate: 'base rate: live events per second of wall clock (× PEAK_FACTOR while event time is in peak hours, 09–18 UTC)',
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

await runLab('lab 05', async ({ signal }) => {
  const args = parseFlags(flags);
  // its producer's (and, in lab 05, the fraud consumer's) metrics, for Prometheus while it runs
  const metrics = await serveMetrics({ job: 'lab05', instance: `lab05/${process.pid}` });
  console.error(`lab 05: metrics on ${metrics.url}`);
  const runId = newRunId('05');
  const startedAt = new Date();
  const episode = args.episode ?? 1 + Math.floor(Math.random() * 999);
  const killAt = args.killAt ?? args.duration / 2;
  const tune = tuning({ holdTimeoutMs: Math.round(args.holdTimeout * 1000), maxInFlight: args.maxInFlight });
  const clock = new LabClock();
  const tracker = new RunTracker(clock.now);

  // 1. engines, topics, the database
  await ensureStack({ engines: ['kafka', 'db', 'temporal'] });
  const kafka = createKafka('lab05');
  await withAdmin(kafka, (admin) => ensureTopics(admin, topicSpecs(c)));
  await ensureDatabase(c.db.url);

  // 2. the pipeline (labs/05-fraud/pipeline.ts): the sink (lab 03) stores transactions, which the reviews
  //    read back; the review worker, a child process; the verdicts feed; the fraud consumer
  await withPipeline({ config: c, kafka, runId, tuning: tune, clock, tracker, signal }, async (p) => {
    // 3. a day of history: it warms the rules (too old to review) and the sink stores it for the reviews
    const gen = new TransactionGenerator({ ...c.generator, customerCount: args.customers, fraudRate: args.fraudRate });
    skipToEpisode(gen, episode);
    const history = await warmUp(p, gen, {
      config: c,
      kafka,
      tracker,
      events: args.history,
      maxEventAgeMs: tune.maxEventAgeMs,
      signal,
    });
    await p.workerReady;

    // 4. the live stream; the worker is killed at `killAt` and started again `down` seconds later
    const live = new LiveRun(p, tracker, clock, { ...args, peakFactor: c.generator.peakFactor, killAt, signal });
    await live.play(gen);

    // 5. drain: every live event read, every review finished (unanswered holds decline at their timeout)
    await live.drain(tune.holdTimeoutMs);
    const samples = live.finish();

    // 6. score against the labels, audit the activity attempts, report, write
    const result = buildResult({
      envelope: envelope('05-fraud', runId, startedAt),
      args: { ...args, episode, killAt },
      config: c,
      tuning: tune,
      history,
      live: { sent: live.sent, seconds: live.seconds, samples, rate: live.rate },
      pipeline: p,
      tracker,
      ...(await reviewOutcomes(
        p,
        tracker.reviews().map((r) => r.transaction_id),
      )),
      interrupted: signal.aborted,
    });
    printSummary(result, {
      uiUrl: c.temporal.managed ? `http://127.0.0.1:${EMBEDDED.temporalUiPort}` : null,
      namespace: c.temporal.namespace,
    });
    console.log(`\nlab 05: wrote ${writeResult(Lab05Result, result)}`);
    const died = result.metrics.worker.died;
    if (died)
      throw new TxlabError(
        `the review worker (pid ${died.pid}) died at ${died.at_s.toFixed(1)} s, exit code ${died.code}, and was not restarted: ${result.metrics.reviews.left_open.length} reviews left open (the results are partial)`,
      );
  });
});
