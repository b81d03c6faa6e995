#!/usr/bin/env bun
// Lab 02 — the producer: a realistic transaction stream into Kafka.
//
// Goal: fill `transactions` the way seed 004's producer does. First a backfill (EVENT_INIT_MODE=flush:
// BACKFILL_EVENTS events spread over the last 7 days, with the 09–18 UTC peak), then a live Poisson
// stream for --duration seconds at --rate events/s (× PEAK_FACTOR in peak hours: the lab says which
// applies and the effective target), with declines and
// injected fraud whose labels go to their own topic. The producer is idempotent with acks=all, and
// every record gets a delivery report (acked / failed) and a send→ack latency. `--client librdkafka`
// produces the same records through librdkafka (the C client, through bun:ffi) instead of kafkajs.
//
// Expect: a progress line each second (sent, acked, achieved vs target rate); then a summary: backfill
// and live throughput, the live arrivals as scheduled and as sent, fraud by pattern, declines, produce
// latency p50/p99, and data/02-producer.json for notebook 02 (inter-arrival histograms, events per hour,
// latency).
// Ctrl-C stops the stream, flushes what is in flight, and still writes the results.
import { z } from 'zod';
import { config } from '../lib/config.ts';
import { count, number, parseFlags, seconds } from '../lib/flags.ts';
import { TransactionGenerator } from '../lib/generator/index.ts';
import { createKafka, ensureTopics, withAdmin } from '../lib/kafka.ts';
import { runLab } from '../lib/lab.ts';
import { serveMetrics } from '../lib/metrics.ts';
import { DeliveryStats } from '../lib/produce.ts';
import { Lab02Result } from '../lib/results/lab02.ts';
import { newRunId, writeResult } from '../lib/results/write.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { topicSpecs } from '../lib/topics.ts';
import { LiveTracker, backfillProgress } from './02-producer/progress.ts';
import { describeRate, streamRate } from '../lib/generator/stream-rate.ts';
import { buildResult, printSummary } from './02-producer/report.ts';
import { CLIENTS, openClient } from '../lib/producer-client.ts';

const c = config();
const flags = {
  name: 'bun run lab:02',
  summary: 'Backfills 7 days of transactions, then produces a live Poisson stream.',
  shape: {
    duration: seconds(30),
    rate: number()
      .pipe(z.number().positive().max(100_000))
      .default(c.generator.eventRatePerMinute / 60),
    events: count().pipe(z.number().positive()).optional(),
    backfill: count()
      .pipe(z.number().min(0).max(10_000_000))
      .default(c.initMode === 'flush' ? c.backfillEvents : 0),
    client: z.enum(CLIENTS).default('kafkajs'),
  },
  help: {
    duration: 'seconds of live stream',
    rate: 'base live rate, events per second (EVENT_RATE / 60 unless given)',
    events: 'stop the live stream after this many events',
    backfill: 'events spread over the last 7 days before the live stream (EVENT_INIT_MODE=skip makes it 0)',
    client:
      'kafkajs (one send() per partition) or librdkafka (the C client through bun:ffi): same records, settings and reports',
  },
};

const DAY_MS = 86_400_000;
const LIVE_TIMES = 500_000;

await runLab('lab 02', async ({ signal }) => {
  const args = parseFlags(flags);
  // its producer's (and, in lab 05, the fraud consumer's) metrics, for Prometheus while it runs
  const metrics = await serveMetrics({ job: 'lab02', instance: `lab02/${process.pid}` });
  console.error(`lab 02: metrics on ${metrics.url}`);
  const runId = newRunId('02');
  const startedAt = new Date();
  const topics = { transactions: c.topics.transactions, labels: c.topics.labels };

  // 1. a broker and the topics
  await ensureStack({ engines: ['kafka'] });
  const kafka = createKafka('lab02-producer');
  await withAdmin(kafka, (admin) => ensureTopics(admin, topicSpecs(c)));
  const client = await openClient(args.client, kafka, topics, { brokers: c.kafka.brokers, clientId: 'lab02-producer' });
  console.log(`lab 02: producing with ${client.describe}`);
  const gen = new TransactionGenerator({ ...c.generator });

  try {
    // 2. backfill: the last 7 days, as fast as the broker takes it
    const backfillStats = new DeliveryStats();
    const t0 = performance.now();
    const history = args.backfill > 0 ? gen.backfill(args.backfill, Date.now() - 7 * DAY_MS, Date.now()) : [];
    const bf = backfillProgress(backfillStats, history.length);
    const delivered = await client.backfill(history, backfillStats, { signal, onProgress: bf.update });
    const backfill = { stats: backfillStats, events: delivered, seconds: (performance.now() - t0) / 1000 };
    if (history.length) bf.done(backfill.seconds);

    // 3. the live stream, paced in real time, ending with the run: fraud patterns that would not finish
    // are not started. `sent` is what Kafka acknowledged, so the report's counts, gaps and labels
    // describe what is on the topic
    // every acked live event's send moment is kept (up to LIVE_TIMES): the arrivals the broker saw
    const liveStats = new DeliveryStats(20_000, LIVE_TIMES);
    const plan = streamRate({
      base: args.rate,
      peakFactor: c.generator.peakFactor,
      fromMs: Date.now(),
      toMs: Date.now() + args.duration * 1000,
    });
    console.log(`lab 02: live stream for ${args.duration} s: ${describeRate(plan)}`);
    const live = new LiveTracker(liveStats, {
      durationS: args.duration,
      rate: args.rate,
      peakFactor: c.generator.peakFactor,
    });
    const end = { endMs: live.startMs + args.duration * 1000, maxEvents: args.events };
    // bounded by the run's end: a fraud pattern starts only if all its events fall inside the run
    const stream = gen.stream(live.startMs, args.rate, end);
    const sent = await client.live(stream, liveStats, {
      durationMs: args.duration * 1000,
      maxEvents: args.events,
      signal,
      onTick: (ms) => live.tick(ms),
    });
    live.done();

    // 4. report, write
    const liveRun = { stats: liveStats, events: sent, seconds: live.seconds, startMs: live.startMs, ticks: live.ticks };
    const run = { runId, startedAt, config: c, args, topics, backfill, live: liveRun, interrupted: signal.aborted };
    printSummary(run);
    console.log(`\nlab 02: wrote ${writeResult(Lab02Result, buildResult(run))}`);
  } finally {
    // flushes: waits for in-flight requests
    await client.close();
  }
});
