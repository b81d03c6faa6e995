#!/usr/bin/env bun
// Lab 08 — monitoring: the pipeline seen through Prometheus, and an alert that fires and resolves.
//
// Goal: watch the pipeline the way its operators do: every process serves /metrics, Prometheus scrapes
// them (and the consumer-lag exporter) every 5 s and evaluates the alert rules; the pipeline dashboard's
// panels are PromQL over those series. Then break something and see the monitoring say so.
//
// Input (made here): a live stream for --duration seconds at --rate events/s, ×3 over the middle third of
// the time before the sink stops; one sink process storing it. --down seconds before the last 10 s of
// the stream the sink is stopped (SIGTERM), while the stream goes on, then started again.
//
// Expect: a progress line a second (rate, acked, lag, the alert's state); while the sink is down its lag
// grows by the rate every second, ConsumerLagGrowing goes pending (lag > 100 and growing), then firing
// 30 s later; once the sink is back it drains the lag in a few seconds and the alert resolves. The lab then
// reads back from Prometheus (query_range, step 5 s) what the pipeline dashboard showed: records/s
// produced and stored, the group's lag, event → row p99, dead letters/s, and the ALERTS series. Rows
// stored = records produced. data/08-monitoring.json feeds notebook 08. Ctrl-C stops it cleanly.
import { z } from 'zod';
import { config } from '../lib/config.ts';
import { ensureDatabase, openDb } from '../lib/db/connect.ts';
import { describeMigration, migrate } from '../lib/db/migrate.ts';
import { count, number, parseFlags, seconds, UsageError, seedFlag } from '../lib/flags.ts';
import { TransactionGenerator } from '../lib/generator/index.ts';
import { createKafka, createProducer, ensureTopics } from '../lib/kafka.ts';
import { groupLag, waitForCaughtUp } from '../lib/lag.ts';
import { runLab } from '../lib/lab.ts';
import { serveMetrics } from '../lib/metrics.ts';
import { MONITORING } from '../lib/monitoring/ports.ts';
import { DeliveryStats, produceLive } from '../lib/produce.ts';
import { seededRng } from '../lib/random.ts';
import { Lab08Result } from '../lib/results/lab08.ts';
import { newRunId, writeResult } from '../lib/results/write.ts';
import { PartitionCounts } from '../lib/send.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { topicSpecs } from '../lib/topics.ts';
import { panelQueries, STEP_S } from './08-monitoring/panels.ts';
import { SinkOutage } from './08-monitoring/outage.ts';
import { startProgress } from './08-monitoring/progress.ts';
import { readBack, settle } from './08-monitoring/readback.ts';
import { buildResult, printSummary } from './08-monitoring/report.ts';
import { rowsSince } from './08-monitoring/rows.ts';
import { schedule, varyingLoad } from './08-monitoring/schedule.ts';

const c = config();
const flags = {
  name: 'bun run lab:08',
  summary: 'Drives the pipeline, stops its sink, and reads back from Prometheus what the dashboards and alerts showed.',
  shape: {
    duration: seconds(90),
    rate: number().pipe(z.number().positive().max(20_000)).default(200),
    down: seconds(55),
    seed: seedFlag(),
  },
  help: {
    duration: 'seconds of live stream',
    rate: 'base rate, events per second (×3 for a stretch before the sink stops)',
    down: 'seconds the sink is stopped while the stream goes on (ConsumerLagGrowing needs about 45 to fire)',
    seed: 'generator seed (default: new each run)',
  },
};

const PROMETHEUS = `http://${MONITORING.host}:${MONITORING.prometheusPort}`;
const DRAIN = { timeoutMs: 90_000, intervalMs: 200 };

await runLab('lab 08', async ({ signal }) => {
  const args = parseFlags(flags);
  let plan: ReturnType<typeof schedule>;
  try {
    plan = schedule(args);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const say = (line: string) => console.log(`lab 08: ${line}`);
  const runId = newRunId('08');
  const startedAt = new Date();
  const seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
  const [topic, group] = [c.topics.transactions, c.sink.group];

  // 1. engines (Prometheus and the lag exporter among them), topics, tables; this process's metrics
  await ensureStack({ engines: ['kafka', 'db', 'prometheus', 'lag-exporter'] });
  const metrics = await serveMetrics({ job: 'lab08', instance: `lab08/${process.pid}` });
  console.error(`lab 08: metrics on ${metrics.url}`);
  const kafka = createKafka('lab08-monitoring');
  const admin = kafka.admin();
  await admin.connect();
  await ensureDatabase(c.db.url);
  const db = await openDb(c.db.url, 2);
  const producer = createProducer(kafka);
  const sink = new SinkOutage(group, signal, say);
  let stopProgress = () => {};
  try {
    await ensureTopics(admin, topicSpecs(c));
    say(`${db.server}: ${describeMigration(await migrate(db))}`);
    const queries = panelQueries(group);
    const floors = (await admin.fetchTopicOffsets(topic)).map((p) => ({
      partition: p.partition,
      offset: Number(p.high),
    }));

    // 2. one sink in the group
    const first = await sink.start('sink-1');
    say(`sink-1 joined ${group}: partitions ${first.partitions().join(', ')}`);

    // 3. the live stream with a varying load; the sink stopped for --down seconds and started again
    await producer.connect();
    const t0 = Date.now();
    say(
      `seed ${seed}: ${plan.durationS} s at ${plan.rate}/s (the generator's peak hours off: this schedule is the whole load), ${plan.peak.rate}/s over [${plan.peak.fromS.toFixed(0)}, ${plan.peak.toS.toFixed(0)}) s; sink down over [${plan.sinkDown.fromS.toFixed(0)}, ${plan.sinkDown.toS.toFixed(0)}) s`,
    );
    const gen = new TransactionGenerator({ ...c.generator, peakFactor: 1, seed });
    const stream = varyingLoad(plan, t0, gen.stream(t0, plan.peak.rate), seededRng(seed ^ 0x08));
    const live = new DeliveryStats();
    stopProgress = startProgress({
      admin,
      group,
      topic,
      prometheus: PROMETHEUS,
      alertQuery: queries.alert,
      plan,
      t0Ms: t0,
      live,
      sinkUp: () => sink.up,
    });
    const outage = sink.play(plan, t0);
    const topics = { transactions: topic, labels: c.topics.labels };
    await produceLive(producer, new PartitionCounts(kafka), topics, stream, live, {
      durationMs: plan.durationS * 1000,
      signal,
    });
    await outage;

    // 4. the sink drains the lag; Prometheus sees lag 0 and the alert resolves
    let drained = false;
    let settled = false;
    if (!signal.aborted) {
      drained = await waitForCaughtUp(admin, group, topic, { ...DRAIN, signal }).then(
        () => true,
        (e) => (console.error(`lab 08: ${(e as Error).message}`), false),
      );
      const drainedAt = Date.now();
      say('waiting for Prometheus to read lag 0 (on a lag reading made after the drain) and the alert to resolve');
      settled = await settle(PROMETHEUS, queries, topic, drainedAt, signal);
    }
    stopProgress();
    await sink.stop();

    // 5. read back what the dashboard showed over the run, and what was stored
    const shown = await readBack(PROMETHEUS, queries, topic, t0);
    const lastLag = shown.series.lag.at(-1);
    if (drained && lastLag?.value !== 0) {
      // the dashboard and Kafka disagree at the end: say both, so the cause can be found
      const kafkaSays = await groupLag(admin, group, topic).catch((e) => (e as Error).message);
      const exporterSays = await exporterLines(group);
      console.error(
        `lab 08: Prometheus's last lag reading (t=${lastLag?.t_s ?? '?'} s) is ${lastLag?.value ?? 'missing'}, ` +
          `Kafka's now: ${typeof kafkaSays === 'string' ? kafkaSays : JSON.stringify(kafkaSays)}; ` +
          `the alert settled: ${settled}; the last lag points: ${JSON.stringify(shown.series.lag.slice(-5))}; ` +
          `the lag exporter serves now:\n${exporterSays}`,
      );
    }
    const run = {
      runId,
      startedAt,
      config: c,
      seed,
      schedule: plan,
      prometheus: PROMETHEUS,
      stepS: STEP_S,
      queries,
      produced: { acked: live.acked, failed: live.failed },
      rows: await rowsSince(db.pool, floors),
      sink: sink.times,
      ...shown,
      drained,
      interrupted: signal.aborted,
    };

    // 6. report, write
    printSummary(run);
    say(`wrote ${writeResult(Lab08Result, buildResult(run))}`);
  } finally {
    stopProgress();
    await sink.stop();
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await db.pool.end().catch(() => {});
    await metrics.close();
  }
});

/** The lag exporter's lines for `group`, as it serves them now (to explain a disagreement). */
async function exporterLines(group: string): Promise<string> {
  const url = `http://${MONITORING.host}:${MONITORING.lagExporterPort}/metrics`;
  try {
    const text = await (await fetch(url)).text();
    return text
      .split('\n')
      .filter((l) => l.includes(`consumergroup="${group}"`) || l.startsWith('txlab_lag_exporter'))
      .join('\n');
  } catch (e) {
    return `(${url}: ${(e as Error).message})`;
  }
}
