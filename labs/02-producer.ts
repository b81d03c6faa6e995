#!/usr/bin/env bun
// Lab 02 — the producer: a realistic transaction stream into Kafka.
//
// Goal: fill `transactions` the way seed 004's producer does. First a backfill (EVENT_INIT_MODE=flush:
// BACKFILL_EVENTS events spread over the last 7 days, with the 09–18 UTC peak), then a live Poisson
// stream for --duration seconds at --rate events/s (× PEAK_FACTOR in peak hours), with declines and
// injected fraud whose labels go to their own topic. The producer is idempotent with acks=all, and
// every record gets a delivery report (acked / failed) and a send→ack latency.
//
// Expect: a progress line each second (sent, acked, achieved vs target rate); then a summary: backfill
// and live throughput, fraud by pattern, declines, produce latency p50/p99, and data/02-producer.json
// for notebook 02 (inter-arrival histogram against the exponential, events per hour, latency).
// Ctrl-C stops the stream, flushes what is in flight, and still writes the results.
import { z } from 'zod';
import { config } from '../lib/config.ts';
import { count, number, parseFlags, seconds } from '../lib/flags.ts';
import { type Scheduled, TransactionGenerator, isPeakHour } from '../lib/generator/index.ts';
import { createKafka, createProducer, ensureTopics, withAdmin } from '../lib/kafka.ts';
import { runLab } from '../lib/lab.ts';
import { DeliveryStats, produceAll, produceLive } from '../lib/produce.ts';
import { fmt, progress, table } from '../lib/terminal.ts';
import { Lab02Result } from '../lib/results/lab02.ts';
import { envelope, newRunId, writeResult } from '../lib/results/write.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { percentiles, thin } from '../lib/percentiles.ts';
import { topicSpecs } from '../lib/topics.ts';

const c = config();
const flags = {
  name: 'bun run lab:02',
  summary: 'Backfills 7 days of transactions, then produces a live Poisson stream.',
  shape: {
    duration: seconds(30),
    rate: number().pipe(z.number().positive().max(100_000)).default(c.generator.eventRatePerMinute / 60),
    events: count().pipe(z.number().positive()).optional(),
    backfill: count().pipe(z.number().min(0).max(10_000_000)).default(c.initMode === 'flush' ? c.backfillEvents : 0),
  },
  help: {
    duration: 'seconds of live stream',
    rate: 'base live rate, events per second (EVENT_RATE / 60 unless given)',
    events: 'stop the live stream after this many events',
    backfill: 'events spread over the last 7 days before the live stream (EVENT_INIT_MODE=skip makes it 0)',
  },
};

const DAY_MS = 86_400_000;

await runLab('lab 02', async ({ signal }) => {
  const args = parseFlags(flags);
  const runId = newRunId('02');
  const startedAt = new Date();
  const topics = { transactions: c.topics.transactions, labels: c.topics.labels };

  // 1. a broker and the topics
  await ensureStack({ engines: ['kafka'] });
  const kafka = createKafka('lab02-producer');
  await withAdmin(kafka, (admin) => ensureTopics(admin, topicSpecs(c)));
  const producer = createProducer(kafka);
  await producer.connect();
  const gen = new TransactionGenerator({ ...c.generator });
  const all: Scheduled[] = [];

  try {
    // 2. backfill: the last 7 days, as fast as the broker takes it
    const backfillStats = new DeliveryStats();
    const bf = progress('backfill');
    const t0 = performance.now();
    const history = args.backfill > 0 ? gen.backfill(args.backfill, Date.now() - 7 * DAY_MS, Date.now()) : [];
    const delivered = await produceAll(producer, topics, history, backfillStats, {
      signal,
      onProgress: () => bf.update(`${fmt(backfillStats.acked)}/${fmt(history.length)} acked`),
    });
    const backfillSeconds = (performance.now() - t0) / 1000;
    const backfilled = backfillStats.sent;
    all.push(...delivered);
    if (history.length) bf.done(`${fmt(backfillStats.acked)} acked, ${backfillStats.failed} failed in ${backfillSeconds.toFixed(1)} s`);

    // 3. the live stream, paced in real time
    const liveStats = new DeliveryStats();
    const liveStart = Date.now();
    const live = progress('live');
    const ticks: Lab02Result['samples']['progress'] = [];
    let lastAcked = 0;
    // what Kafka acknowledged: the counts, gaps and labels below describe what is on the topic
    const sent = await produceLive(producer, topics, gen.stream(liveStart, args.rate), liveStats, {
      durationMs: args.duration * 1000,
      maxEvents: args.events,
      signal,
      onTick: (ms) => {
        const t = ms / 1000;
        const dt = t - (ticks[ticks.length - 1]?.t_s ?? 0);
        const rate = dt > 0 ? (liveStats.acked - lastAcked) / dt : 0;
        lastAcked = liveStats.acked;
        ticks.push({ t_s: t, sent: liveStats.sent, acked: liveStats.acked, rate_per_s: rate });
        live.update(`${t.toFixed(0)}/${args.duration} s  sent ${fmt(liveStats.sent)}  acked ${fmt(liveStats.acked)}  failed ${liveStats.failed}  ${fmt(rate)}/s (target ${fmt(targetRate(args.rate, liveStart, Date.now()))}/s)`);
      },
    });
    const liveSeconds = (Date.now() - liveStart) / 1000;
    live.done(`${fmt(liveStats.acked)} acked, ${liveStats.failed} failed in ${liveSeconds.toFixed(1)} s`);
    all.push(...sent);

    // 4. report
    const gaps = sent.slice(1).map((e, i) => (e.timeMs - sent[i]!.timeMs) / 1000);
    const target = targetRate(args.rate, liveStart, liveStart + liveSeconds * 1000);
    const fraud: Record<string, number> = {};
    for (const e of all) if (e.label) fraud[e.label.pattern] = (fraud[e.label.pattern] ?? 0) + 1;
    // the live phase's latency is the one a real-time producer sees; the backfill's is a bulk load's
    const latency = percentiles(liveStats.latencies.length ? liveStats.latencies : backfillStats.latencies);
    const phase = (s: DeliveryStats, events: number, secs: number) => ({ events, acked: s.acked, failed: s.failed, seconds: secs, events_per_s: secs > 0 ? s.acked / secs : 0 });

    console.log(
      table(
        [
          { phase: 'backfill', events: backfilled, acked: backfillStats.acked, failed: backfillStats.failed, seconds: backfillSeconds, 'events/s': backfillSeconds ? backfillStats.acked / backfillSeconds : 0, 'target/s': '-' },
          { phase: 'live', events: liveStats.sent, acked: liveStats.acked, failed: liveStats.failed, seconds: liveSeconds, 'events/s': liveStats.acked / liveSeconds, 'target/s': fmt(target) },
        ],
        '\nDelivery',
      ),
    );
    console.log(table(Object.entries(fraud).map(([pattern, events]) => ({ 'fraud pattern': pattern, 'labeled events': events })), '\nInjected fraud (labels on ' + topics.labels + ')'));
    console.log(`\n  declined: ${fmt(all.filter((e) => e.event.status === 'declined').length)} of ${fmt(all.length)}   live produce latency ms: p50 ${latency.p50}  p99 ${latency.p99}  max ${latency.max}`);
    for (const [error, n] of [...backfillStats.errors, ...liveStats.errors]) console.log(`  failed: ${n} records: ${error}`);

    const path = writeResult(Lab02Result, {
      ...envelope('02-producer', runId, startedAt),
      parameters: {
        duration_s: args.duration,
        rate_per_s: args.rate,
        peak_factor: c.generator.peakFactor,
        backfill_events: args.backfill,
        init_mode: c.initMode,
        seed: c.generator.seed,
        fraud_rate: c.generator.fraudRate,
        declined_rate: c.generator.declinedRate,
        customers: c.generator.customerCount,
        merchants: c.generator.merchantCount,
        topic: topics.transactions,
      },
      metrics: {
        backfill: phase(backfillStats, backfilled, backfillSeconds),
        live: {
          ...phase(liveStats, liveStats.sent, liveSeconds),
          target_rate_per_s: target,
          achieved_rate_per_s: liveStats.acked / liveSeconds,
          mean_inter_arrival_s: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0,
        },
        fraud_events: fraud,
        declined_events: all.filter((e) => e.event.status === 'declined').length,
        total_events: all.length,
        produce_latency_ms: latency,
        interrupted: signal.aborted,
      },
      samples: {
        inter_arrival_s: thin(gaps, 20_000),
        lambda_per_s: target,
        events_per_hour: eventsPerHour(all),
        produce_latency_ms: thin(liveStats.latencies.length ? liveStats.latencies : backfillStats.latencies, 5000),
        progress: ticks,
      },
    });
    console.log(`\nlab 02: wrote ${path}`);
  } finally {
    // flushes: disconnect waits for in-flight requests
    await producer.disconnect();
  }
});

/** The base rate × PEAK_FACTOR averaged over [fromMs, toMs): what the live phase should achieve. */
function targetRate(rate: number, fromMs: number, toMs: number): number {
  const steps = 100;
  let sum = 0;
  for (let i = 0; i < steps; i++) sum += isPeakHour(fromMs + ((toMs - fromMs) * (i + 0.5)) / steps) ? c.generator.peakFactor : 1;
  return (rate * sum) / steps;
}

function eventsPerHour(events: readonly Scheduled[]) {
  const buckets = new Map<number, number>();
  for (const e of events) {
    const h = Math.floor(e.timeMs / 3_600_000);
    buckets.set(h, (buckets.get(h) ?? 0) + 1);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([h, n]) => ({ hour: new Date(h * 3_600_000).toISOString(), events: n, peak: isPeakHour(h * 3_600_000) }));
}
