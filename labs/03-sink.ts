#!/usr/bin/env bun
// Lab 03 — the sink: from Kafka into SQL, nothing lost, nothing doubled, bad input to a dead-letter topic.
//
// Goal: store every transaction of the `transactions` topic in the database as seed 000/001's consumer
// does, but correctly: a consumer group (--sinks processes sharing the partitions) reads batches,
// validates each message, writes each chunk of --batch rows as one idempotent multi-row upsert with
// its aggregates, and commits the Kafka offsets only after the database commit. Malformed JSON, schema
// violations and oversized messages go to the dead-letter topic with the reason in headers.
//
// Input (made here, so the lab runs alone): a burst of --events backfilled transactions (the last 7
// days) with --bad deliberately bad messages of each class mixed in, then a live Poisson stream at
// --rate events/s for --duration seconds, started once the burst is stored. The generator seed is new
// each run (printed; --seed replays it: the same transaction ids again, all skipped as duplicates).
//
// Expect: the sinks join and split the partitions; a progress line per second (rows/s, lag per
// partition); then: rows stored for this run = good messages produced, each transaction id once, each
// bad message in the DLQ under its reason, the aggregate tables equal to a GROUP BY of the rows, and
// event → row latency for live events (a few ms at p50, tens at p99). data/03-sink.json feeds notebook 03.
// Ctrl-C stops producing, stops the sinks cleanly, and still reports what was stored.
import { z } from 'zod';
import { config } from '../lib/config.ts';
import { ensureDatabase, openDb } from '../lib/db/connect.ts';
import { describeMigration, migrate } from '../lib/db/migrate.ts';
import { count, number, parseFlags, seconds } from '../lib/flags.ts';
import { type Scheduled, TransactionGenerator } from '../lib/generator/index.ts';
import { createKafka, createProducer, ensureTopics } from '../lib/kafka.ts';
import { runLab } from '../lib/lab.ts';
import { waitUntil } from '../lib/wait.ts';
import { DeliveryStats, produceLive } from '../lib/produce.ts';
import { seededRng } from '../lib/random.ts';
import { fmt, table } from '../lib/terminal.ts';
import { Lab03Result } from '../lib/results/lab03.ts';
import { envelope, newRunId, writeResult } from '../lib/results/write.ts';
import { auditAggregates } from '../lib/sink/audit.ts';
import { sendStamped } from '../lib/sink/feed.ts';
import { badMessages, good, interleave } from '../lib/sink/input.ts';
import { runRows } from '../lib/sink/measure.ts';
import { Monitor, printAbove } from '../lib/sink/monitor.ts';
import { type SinkProcess, spawnSink } from '../lib/sink/process.ts';
import { SINK_TUNING } from '../lib/sink/sink.ts';
import { REJECT_REASONS, mergeSnapshots } from '../lib/sink/counters.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { percentiles, thin } from '../lib/percentiles.ts';
import { topicSpecs } from '../lib/topics.ts';

const c = config();
const flags = {
  name: 'bun run lab:03',
  summary: 'Runs the sink group: Kafka → validated, idempotent, batched SQL writes, bad input to the DLQ.',
  shape: {
    duration: seconds(20),
    rate: number().pipe(z.number().positive().max(100_000)).default(300),
    events: count().pipe(z.number().min(0).max(5_000_000)).default(30_000),
    bad: count().pipe(z.number().min(0).max(1000)).default(3),
    sinks: count().pipe(z.number().min(1).max(16)).default(1),
    batch: count().pipe(z.number().min(1).max(20_000)).default(SINK_TUNING.batchRows),
    concurrency: count().pipe(z.number().min(1).max(64)).default(SINK_TUNING.concurrency),
    seed: count().pipe(z.number().min(0).max(2 ** 31 - 1)).optional(),
  },
  help: {
    duration: 'seconds of live stream',
    rate: 'live stream base rate, events per second (× PEAK_FACTOR in peak hours)',
    events: 'backfilled events sent as one burst before the live stream',
    bad: 'bad messages of each class (malformed JSON, schema violation, oversized) mixed into the burst',
    sinks: 'sink processes in the consumer group',
    batch: 'messages per database transaction',
    concurrency: 'partitions each sink writes at once',
    seed: 'generator seed (default: new each run, so transaction ids are new)',
  },
};

const DAY_MS = 86_400_000;
const DRAIN_TIMEOUT_MS = 90_000;

await runLab('lab 03', async ({ signal }) => {
  const args = parseFlags(flags);
  const runId = newRunId('03');
  const startedAt = new Date();
  const seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
  const topic = c.topics.transactions;
  const say = (line: string) => console.log(`lab 03: ${line}`);

  // 1. engines, topics, tables
  await ensureStack({ engines: ['kafka', 'db'] });
  const kafka = createKafka('lab03-sink');
  const admin = kafka.admin();
  await admin.connect();
  await ensureDatabase(c.db.url);
  const db = await openDb(c.db.url, 2);
  const producer = createProducer(kafka);
  const sinks: SinkProcess[] = [];
  try {
    await ensureTopics(admin, topicSpecs(c));
    say(`${db.server}: ${describeMigration(await migrate(db))}`);

    // 2. this run's input starts at the current end of each partition
    const floors = (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: Number(p.high) }));
    const partitions = floors.length;

    // 3. the sink group: --sinks processes sharing the partitions
    for (let i = 1; i <= args.sinks; i++) sinks.push(spawnSink({ id: `sink-${i}`, batch: args.batch, concurrency: args.concurrency, onLine: printAbove }));
    await Promise.all(sinks.map((s) => s.ready));
    await waitUntil('the sinks to be assigned every partition', async () => (new Set(sinks.flatMap((s) => s.partitions())).size === partitions ? true : undefined), { timeoutMs: 60_000, intervalMs: 100 });
    say(`group ${c.sink.group}: ${sinks.map((s) => `${s.id} ← partitions ${s.partitions().join(',')}`).join('; ')}`);

    // 4. input: a burst of backfilled events with bad ones mixed in, then a live stream; a progress line a second
    await producer.connect();
    const gen = new TransactionGenerator({ ...c.generator, seed });
    const now = Date.now();
    const history = gen.backfill(args.events, now - 7 * DAY_MS, now);
    const bad = badMessages((history[0] ?? gen.backfill(1, now - 1000, now)[0]!).event, args.bad);
    const burst = interleave(history.map((s) => good(s.event)), bad, seededRng(seed));
    say(`seed ${seed}: ${fmt(history.length)} backfilled events with ${bad.length} bad ones mixed in, then ${args.duration} s live at ${args.rate}/s`);

    let burstAcked = 0;
    const liveStats = new DeliveryStats();
    const monitor = new Monitor(admin, sinks, { group: c.sink.group, topic, partitions }, () => burstAcked + liveStats.acked);
    const ticker = setInterval(() => void monitor.tick(), 1000);
    monitor.phase = 'backfill';
    const fed = await sendStamped(producer, topic, burst, { signal, onAcked: (n) => (burstAcked = n) });
    for (const e of new Set(fed.errors)) console.error(`lab 03: produce failed: ${e}`);
    // the live stream starts once the burst is stored, so its latencies are the steady state's
    const caughtUp = () => waitUntil('the sink group to catch up', async () => (monitor.ticks > 0 && monitor.lagTotal() === 0 ? true : undefined), { timeoutMs: DRAIN_TIMEOUT_MS, intervalMs: 100 });
    if (!signal.aborted) await caughtUp();
    const burstSeconds = monitor.elapsed();

    monitor.phase = 'live';
    const liveStart = Date.now();
    const sent = await produceLive(producer, { transactions: topic, labels: c.topics.labels }, withoutLabels(gen.stream(liveStart, args.rate)), liveStats, {
      durationMs: args.duration * 1000,
      signal,
    });

    // 5. drain: wait until the group has committed every offset, then stop the sinks cleanly
    monitor.phase = 'drain';
    let drained = false;
    if (!signal.aborted) {
      await monitor.tick();
      drained = await caughtUp().catch((e) => {
        console.error(`lab 03: ${(e as Error).message}: stopping the sinks anyway`);
        return false;
      });
    }
    await monitor.tick();
    clearInterval(ticker);
    monitor.done();
    const codes = await Promise.all(sinks.map((s) => s.stop()));
    for (const [i, code] of codes.entries()) if (code !== 0) console.error(`lab 03: ${sinks[i]!.id} exited with code ${code}`);

    // 6. what the table holds for this run, and how long each row took
    const expected = fed.acked - bad.length + liveStats.acked;
    const run = await runRows(db.pool, floors, liveStart);
    const agg = await auditAggregates(db.pool);
    const merged = mergeSnapshots(sinks.map((s) => s.snapshot()).filter((s) => s !== undefined));
    const injected = Object.fromEntries(REJECT_REASONS.map((r) => [r, bad.filter((b) => b.bad === r).length])) as Record<(typeof REJECT_REASONS)[number], number>;
    const e2r = percentiles(run.eventToRowMs);
    const a2r = percentiles(run.appendToRowMs);
    const busy = monitor.timeline.filter((t) => t.rows_per_s > 0);
    const burstRows = fed.acked - bad.length;
    const check = (ok: boolean) => (ok ? '✓' : '✗');

    console.log(
      table(
        [
          { what: 'good messages produced this run', count: expected, check: '' },
          // a replayed --seed sends ids that are stored already: the sinks skip them as duplicates
          { what: 'rows stored for this run', count: run.stored, check: check(run.stored <= expected && run.stored + merged.duplicates >= expected) },
          ...(merged.duplicates > 0 ? [{ what: 'already stored (skipped as duplicates)', count: merged.duplicates, check: '' }] : []),
          { what: 'distinct transaction ids among them', count: run.distinct_ids, check: check(run.distinct_ids === run.stored) },
          ...REJECT_REASONS.map((r) => ({ what: `dead-lettered: ${r} (sent ${injected[r]})`, count: merged.dlq[r], check: check(merged.dlq[r] >= injected[r]) })),
          { what: `aggregate buckets ≠ GROUP BY (of ${fmt(agg.buckets)})`, count: agg.mismatches.length, check: check(agg.mismatches.length === 0) },
        ],
        '\nWhat was stored',
      ),
    );
    console.log(
      table(
        [
          { measure: `burst: ${fmt(burstRows)} rows sent and stored in ${burstSeconds.toFixed(1)} s (rows/s; best second)`, value: `${fmt(Math.round(burstRows / burstSeconds))}; ${fmt(Math.round(Math.max(0, ...busy.map((t) => t.rows_per_s))))}` },
          { measure: 'rows per database write p50 / max', value: `${fmt(percentiles(merged.write_rows).p50)} / ${fmt(percentiles(merged.write_rows).max)}` },
          { measure: 'database write ms p50 / p99', value: `${percentiles(merged.write_ms).p50} / ${percentiles(merged.write_ms).p99}` },
          { measure: `event → row ms, live (n=${fmt(e2r.count)}) p50 / p99 / p99.9`, value: `${e2r.p50} / ${e2r.p99} / ${e2r.p999}` },
          { measure: `Kafka append → row ms, all (n=${fmt(a2r.count)}) p50 / p99 / p99.9`, value: `${a2r.p50} / ${a2r.p99} / ${a2r.p999}` },
          { measure: 'sink busy time: decode / db writes / DLQ sends (s)', value: (['decode', 'db', 'dlq'] as const).map((k) => (merged.time_ms[k] / 1000).toFixed(1)).join(' / ') },
          { measure: 'retries / duplicates skipped', value: `${merged.retries} / ${fmt(merged.duplicates)}` },
        ],
        '\nThroughput and latency',
      ),
    );

    const path = writeResult(Lab03Result, {
      ...envelope('03-sink', runId, startedAt),
      parameters: {
        duration_s: args.duration,
        rate_per_s: args.rate,
        backfill_events: args.events,
        bad_per_class: args.bad,
        sinks: args.sinks,
        batch_rows: args.batch,
        concurrency: args.concurrency,
        seed,
        topic,
        dlq_topic: c.topics.dlq,
        group: c.sink.group,
        database: db.server,
        dialect: db.dialect,
      },
      metrics: {
        produced: { backfill: fed.acked - bad.length, live: liveStats.acked, bad: injected, failed: fed.failed + liveStats.failed },
        rows: { expected, stored: run.stored, distinct_ids: run.distinct_ids },
        sink: { messages: merged.messages, rows_inserted: merged.rows_inserted, duplicates: merged.duplicates, db_writes: merged.db_writes, retries: merged.retries, dlq: merged.dlq, time_ms: merged.time_ms },
        batch_rows: percentiles(merged.write_rows),
        write_ms: percentiles(merged.write_ms),
        rows_per_s: { burst: burstSeconds > 0 ? burstRows / burstSeconds : 0, burst_seconds: burstSeconds, peak: Math.max(0, ...busy.map((t) => t.rows_per_s)) },
        event_to_row_ms: e2r,
        append_to_row_ms: a2r,
        aggregates: { buckets: agg.buckets, mismatches: agg.mismatches.length },
        drained,
        interrupted: signal.aborted,
      },
      samples: {
        timeline: monitor.timeline,
        event_to_row_ms: thin(run.eventToRowMs, 5000),
        append_to_row_ms: thin(run.appendToRowMs, 5000),
        batch_rows: thin(merged.write_rows, 2000),
      },
    });
    say(`${sent.length ? '' : 'no live events sent; '}wrote ${path}`);
  } finally {
    await Promise.all(sinks.map((s) => s.stop()));
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await db.pool.end().catch(() => {});
  }
});

/** The live stream without fraud labels: lab 03 stores transactions; the labels topic is lab 05's. */
function* withoutLabels(stream: Iterator<Scheduled>): Generator<Scheduled> {
  for (;;) yield { ...(stream.next().value as Scheduled), label: null };
}

