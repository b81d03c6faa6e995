#!/usr/bin/env bun
// Lab 03 — the sink: from Kafka into SQL, nothing lost, nothing doubled, bad input to a dead-letter topic.
//
// Goal: store every transaction of the `transactions` topic in the database as seed 000/001's consumer
// does, but correctly: a consumer group (--sinks processes sharing the partitions) reads batches,
// validates each message, writes each chunk of --batch rows as one idempotent multi-row upsert with
// its aggregates, and commits the Kafka offsets only after the database commit. Malformed JSON, schema
// violations and oversized messages go to the dead-letter topic with the reason in headers, and so do
// conflicts: a transaction id stored already with another customer or another payload (first write wins).
//
// Input (made here, so the lab runs alone): a burst of --events backfilled transactions (the last 7
// days) with --bad deliberately bad messages of each class mixed in, then a live Poisson stream at
// --rate events/s (× PEAK_FACTOR in the 09–18 UTC peak hours) for --duration seconds, started once the
// burst is stored. The generator seed is new each run (printed; --seed replays it: the same transaction
// ids again, all skipped as duplicates). Messages already on the topic that the group has not stored
// (earlier runs', e.g. lab 02's) are stored first and reported apart: the figures are this run's alone.
//
// Expect: the sinks join and split the partitions; any backlog stored; a progress line per second
// (rows/s, lag per partition); then: rows stored for this run = good messages produced, each transaction
// id once, each bad message in the DLQ under its reason, the aggregate tables equal to a GROUP BY of the
// rows, and event → row latency for live events (a few ms at p50, tens at p99); the live rate as asked,
// as targeted (× PEAK_FACTOR in peak hours) and as achieved. data/03-sink.json feeds notebook 03.
// Ctrl-C stops producing, stops the sinks cleanly, and still reports what was stored.
import { z } from 'zod';
import { config } from '../lib/config.ts';
import { ensureDatabase, openDb } from '../lib/db/connect.ts';
import { describeMigration, migrate } from '../lib/db/migrate.ts';
import { count, number, parseFlags, seconds, seedFlag } from '../lib/flags.ts';
import { createKafka, createProducer, ensureTopics } from '../lib/kafka.ts';
import { runLab } from '../lib/lab.ts';
import { serveMetrics } from '../lib/metrics.ts';
import { waitForCaughtUp } from '../lib/lag.ts';
import { DeliveryStats } from '../lib/produce.ts';
import { CLIENTS, type Client, openClient } from '../lib/producer-client.ts';
import { PartitionCounts } from '../lib/send.ts';
import { Lab03Result } from '../lib/results/lab03.ts';
import { newRunId, writeResult } from '../lib/results/write.ts';
import { startCpuMeter } from '../lib/scale/cpu.ts';
import { SINK_TUNING } from '../lib/sink/sink.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { fmt, progress } from '../lib/terminal.ts';
import { topicSpecs } from '../lib/topics.ts';
import { freshReports, pendingMessages, storeBacklog } from './03-sink/backlog.ts';
import { liveWatched } from './03-sink/cpu.ts';
import { sendStamped } from './03-sink/feed.ts';
import { SinkGroup } from './03-sink/group.ts';
import { labInput } from './03-sink/input.ts';
import { measureRun } from './03-sink/measure.ts';
import { Monitor, printAbove } from './03-sink/monitor.ts';
import { describeRate, streamRate } from '../lib/generator/stream-rate.ts';
import { buildResult, printSummary } from './03-sink/report.ts';

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
    seed: seedFlag(),
    client: z.enum(CLIENTS).default('kafkajs'),
  },
  help: {
    duration: 'seconds of live stream',
    rate: 'live stream base rate, events per second (× PEAK_FACTOR in peak hours)',
    events: 'backfilled events sent as one burst before the live stream',
    bad: 'bad messages of each class (malformed JSON, schema violation, oversized, conflict) mixed into the burst',
    sinks: 'sink processes in the consumer group',
    batch: 'messages per database transaction',
    concurrency: 'partitions each sink writes at once',
    seed: 'generator seed (default: new each run, so transaction ids are new)',
    client: "the live stream's producer: kafkajs, or librdkafka (the C client through bun:ffi, lighter on the CPU)",
  },
};

const CATCH_UP = { timeoutMs: 90_000, intervalMs: 100 };

await runLab('lab 03', async ({ signal }) => {
  const args = parseFlags(flags);
  // its producer's (and, in lab 05, the fraud consumer's) metrics, for Prometheus while it runs
  const metrics = await serveMetrics({ job: 'lab03', instance: `lab03/${process.pid}` });
  console.error(`lab 03: metrics on ${metrics.url}`);
  const runId = newRunId('03');
  const startedAt = new Date();
  const seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
  const [topic, group] = [c.topics.transactions, c.sink.group];
  const say = (line: string) => console.log(`lab 03: ${line}`);

  // 1. engines, topics, tables
  const up = await ensureStack({ engines: ['kafka', 'db'] });
  const kafka = createKafka('lab03-sink');
  const admin = kafka.admin();
  await admin.connect();
  await ensureDatabase(c.db.url);
  const db = await openDb(c.db.url, 2);
  const producer = createProducer(kafka);
  let liveClient: Client | undefined;
  const sinks = new SinkGroup();
  try {
    await ensureTopics(admin, topicSpecs(c));
    say(`${db.server}: ${describeMigration(await migrate(db))}`);
    const partitions = (await admin.fetchTopicOffsets(topic)).length;

    // 2. the sink group: --sinks processes sharing the partitions. What the group finds on the topic from
    // before this run (messages earlier runs left unstored, e.g. lab 02's) it stores first, as a sink must;
    // it is reported apart, and every figure after it counts this run's input only
    const pending = await pendingMessages(admin, group, topic);
    sinks.start(args.sinks, { batch: args.batch, concurrency: args.concurrency, onLine: printAbove });
    say(`group ${group}: ${await sinks.assigned(partitions)}`);
    if (pending > 0)
      say(
        `backlog: ${fmt(pending)} messages on ${topic} from before this run, not yet stored by ${group}: storing them first, counted apart`,
      );
    const backlogLine = progress('backlog', 500);
    const backlog = await storeBacklog(admin, sinks, {
      group,
      topic,
      pending,
      signal,
      onLag: (left) => backlogLine.update(`${fmt(pending - left)}/${fmt(pending)} messages`),
    });
    if (pending > 0)
      backlogLine.done(
        `stored: ${fmt(backlog.rows_inserted)} rows (${fmt(backlog.duplicates)} already there, ${fmt(backlog.dead_lettered)} dead-lettered) in ${backlog.seconds.toFixed(1)} s; not in this run's figures`,
      );
    const baseline = [...backlog.baseline.values()].reduce((n, b) => n + b.rows_inserted, 0);

    // 3. this run's input starts at the current end of each partition: its rows are those at or after it
    const floors = (await admin.fetchTopicOffsets(topic)).map((p) => ({
      partition: p.partition,
      offset: Number(p.high),
    }));

    // 4. input: a burst of backfilled events with bad ones mixed in, stored before the live stream starts
    // (so the live latencies are the steady state's); a progress line a second
    await producer.connect();
    liveClient = await openClient(
      args.client,
      kafka,
      { transactions: topic, labels: c.topics.labels },
      { brokers: c.kafka.brokers, clientId: 'lab03-live', kafkajsProducer: producer },
    );
    const input = labInput(c.generator, { seed, events: args.events, bad: args.bad });
    const planned = streamRate({
      base: args.rate,
      peakFactor: c.generator.peakFactor,
      fromMs: Date.now(),
      toMs: Date.now() + args.duration * 1000,
    });
    say(
      `seed ${seed}: ${fmt(input.events)} backfilled events with ${input.bad.length} bad ones mixed in, then ${args.duration} s live at ${describeRate(planned)}`,
    );
    let burstAcked = 0;
    const live = new DeliveryStats();
    const monitor = new Monitor(
      admin,
      { group, topic, partitions },
      {
        produced: () => burstAcked + live.acked,
        stored: () => sinks.members.reduce((n, s) => n + (s.snapshot()?.rows_inserted ?? 0), 0) - baseline,
      },
    );
    monitor.start();
    const fed = await sendStamped(producer, new PartitionCounts(kafka), topic, input.burst, {
      signal,
      onAcked: (n) => (burstAcked = n),
    });
    for (const e of new Set(fed.errors)) console.error(`lab 03: produce failed: ${e}`);
    if (!signal.aborted) await waitForCaughtUp(admin, group, topic, CATCH_UP);
    const burstSeconds = monitor.elapsed();

    monitor.phase = 'live';
    // the CPU of each process over the live stream: on a small machine the latency tail is the wait for a core
    const meter = startCpuMeter(liveWatched(up, sinks.members));
    const liveStart = Date.now();
    const sent = await liveClient.live(input.live(liveStart, args.rate), live, {
      durationMs: args.duration * 1000,
      signal,
    });
    const liveEnd = Date.now();
    const liveCpu = meter.end(live.acked);
    const rate = {
      ...streamRate({ base: args.rate, peakFactor: c.generator.peakFactor, fromMs: liveStart, toMs: liveEnd }),
      achieved_per_s: liveEnd > liveStart ? live.acked / ((liveEnd - liveStart) / 1000) : 0,
    };

    // 5. drain: wait until the group has committed every offset, then stop the sinks cleanly
    monitor.phase = 'drain';
    let drained = false;
    if (!signal.aborted) {
      try {
        await waitForCaughtUp(admin, group, topic, CATCH_UP);
        drained = true;
      } catch (e) {
        console.error(`lab 03: ${(e as Error).message}: stopping the sinks anyway`);
      }
    }
    // the closing point counts everything stored: the sinks report every 500 ms, so wait for reports taken after the drain
    if (drained) await freshReports(sinks, 2).catch(() => {});
    await monitor.finish();
    await sinks.stop();

    // 6. what the table holds for this run, and how long each row took; report, write
    const measured = await measureRun(db.pool, floors, liveStart, sinks.members, backlog.baseline);
    const run = {
      runId,
      startedAt,
      config: c,
      args,
      seed,
      db,
      input,
      fed,
      burstSeconds,
      live,
      liveCpu,
      rate,
      backlog,
      timeline: monitor.timeline,
      measured,
      drained,
      interrupted: signal.aborted,
    };
    printSummary(run);
    say(`${sent.length ? '' : 'no live events sent; '}wrote ${writeResult(Lab03Result, buildResult(run))}`);
  } finally {
    await sinks.stop();
    await liveClient?.close().catch(() => {});
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await db.pool.end().catch(() => {});
  }
});
