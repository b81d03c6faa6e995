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
import { count, number, parseFlags, seconds, UsageError } from '../lib/flags.ts';
import { TransactionGenerator } from '../lib/generator/index.ts';
import { createKafka, createProducer, ensureTopics } from '../lib/kafka.ts';
import { groupLag, totalLag, waitForCaughtUp } from '../lib/lag.ts';
import { runLab } from '../lib/lab.ts';
import { serveMetrics } from '../lib/metrics.ts';
import { MONITORING } from '../lib/monitoring/ports.ts';
import { DeliveryStats, produceLive } from '../lib/produce.ts';
import { seededRng } from '../lib/random.ts';
import { Lab08Result } from '../lib/results/lab08.ts';
import { newRunId, writeResult } from '../lib/results/write.ts';
import { PartitionCounts } from '../lib/send.ts';
import { type SinkProcess, spawnSink } from '../lib/sink/process.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { fmt } from '../lib/terminal.ts';
import { topicSpecs } from '../lib/topics.ts';
import { sleep, waitFor, waitUntil } from '../lib/wait.ts';
import { panelQueries, STEP_S } from './08-monitoring/panels.ts';
import { instantQuery, rangeQuery } from './08-monitoring/prometheus.ts';
import { buildResult, printSummary } from './08-monitoring/report.ts';
import { rowsSince } from './08-monitoring/rows.ts';
import { rateAt, schedule, varyingLoad } from './08-monitoring/schedule.ts';
import { alertPoints, onClock } from './08-monitoring/timeline.ts';

const c = config();
const flags = {
  name: 'bun run lab:08',
  summary: 'Drives the pipeline, stops its sink, and reads back from Prometheus what the dashboards and alerts showed.',
  shape: {
    duration: seconds(90),
    rate: number().pipe(z.number().positive().max(20_000)).default(200),
    down: seconds(55),
    seed: count()
      .pipe(
        z
          .number()
          .min(0)
          .max(2 ** 31 - 1),
      )
      .optional(),
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
/** after the stream: the sink caught up, Prometheus reading lag 0 and the alert inactive */
const SETTLE_MS = 120_000;

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
  let sink: SinkProcess | undefined;
  const startSink = async (id: string) => {
    const s = spawnSink({ id, onLine: (line) => console.error(`  ${line}`) });
    sink = s;
    await s.ready;
    await waitUntil(`${id} to join group ${group}`, () => s.partitions().length > 0, {
      timeoutMs: 60_000,
      signal,
      abort: () => (s.running() ? undefined : `${id} exited`),
    });
    return s;
  };
  let progress: ReturnType<typeof setInterval> | undefined;
  try {
    await ensureTopics(admin, topicSpecs(c));
    say(`${db.server}: ${describeMigration(await migrate(db))}`);
    const queries = panelQueries(group);
    const floors = (await admin.fetchTopicOffsets(topic)).map((p) => ({
      partition: p.partition,
      offset: Number(p.high),
    }));

    // 2. one sink in the group
    await startSink('sink-1');
    say(`sink-1 joined ${group}: partitions ${sink?.partitions().join(', ')}`);

    // 3. the live stream with a varying load; the sink stopped for --down seconds and started again
    await producer.connect();
    const t0 = Date.now();
    const at = () => (Date.now() - t0) / 1000;
    say(
      `seed ${seed}: ${plan.durationS} s at ${plan.rate}/s, ${plan.peak.rate}/s over [${plan.peak.fromS.toFixed(0)}, ${plan.peak.toS.toFixed(0)}) s; sink down over [${plan.sinkDown.fromS.toFixed(0)}, ${plan.sinkDown.toS.toFixed(0)}) s`,
    );
    const gen = new TransactionGenerator({ ...c.generator, peakFactor: 1, seed });
    const stream = varyingLoad(plan, t0, gen.stream(t0, plan.peak.rate), seededRng(seed ^ 0x08));
    const live = new DeliveryStats();
    let sinkUp = true;
    progress = setInterval(async () => {
      const [lag, alert] = await Promise.all([
        groupLag(admin, group, topic).then(totalLag, () => Number.NaN),
        instantQuery(PROMETHEUS, queries.alert).then(
          (s) => s.map((x) => x.labels.alertstate).join('+') || 'inactive',
          () => '?',
        ),
      ]);
      const t = at();
      console.log(
        `t=${t.toFixed(0).padStart(3)} s  rate ${String(rateAt(plan, t)).padStart(4)}/s  acked ${fmt(live.acked).padStart(7)}  lag ${fmt(lag).padStart(6)}  sink ${sinkUp ? 'up  ' : 'DOWN'}  ConsumerLagGrowing: ${alert}`,
      );
    }, 1000);
    const sinkTimes: { stopped_at_s: number | null; restarted_at_s: number | null } = {
      stopped_at_s: null,
      restarted_at_s: null,
    };
    const outage = (async () => {
      await sleep(plan.sinkDown.fromS * 1000 - (Date.now() - t0), signal);
      if (signal.aborted) return;
      sinkTimes.stopped_at_s = at();
      sinkUp = false;
      say(`stopping sink-1 (SIGTERM) for ${plan.sinkDown.toS - plan.sinkDown.fromS} s`);
      await sink?.stop();
      await sleep(plan.sinkDown.toS * 1000 - (Date.now() - t0), signal);
      if (signal.aborted) return;
      sinkTimes.restarted_at_s = at();
      say('starting sink-2');
      await startSink('sink-2');
      sinkUp = true;
    })();
    await produceLive(
      producer,
      new PartitionCounts(kafka),
      { transactions: topic, labels: c.topics.labels },
      stream,
      live,
      { durationMs: plan.durationS * 1000, signal },
    );
    await outage;

    // 4. the sink drains the lag; Prometheus sees lag 0 and the alert resolves
    let drained = false;
    if (!signal.aborted) {
      try {
        await waitForCaughtUp(admin, group, topic, { ...DRAIN, signal });
        drained = true;
      } catch (e) {
        console.error(`lab 08: ${(e as Error).message}`);
      }
    }
    if (!signal.aborted) {
      say('waiting for Prometheus to read lag 0 and the alert to resolve');
      const settled = await waitFor(
        async () => {
          const [alert, lag] = await Promise.all([
            instantQuery(PROMETHEUS, queries.alert),
            instantQuery(PROMETHEUS, queries.lag),
          ]);
          const mine = lag.filter((s) => s.labels.topic === topic);
          return alert.length === 0 && mine.length > 0 && mine.every((s) => s.points[0]?.[1] === 0);
        },
        { timeoutMs: SETTLE_MS, intervalMs: 1000, signal },
      );
      if (!settled.ok) console.error(`lab 08: the alert did not resolve, or the lag did not read 0: ${settled.reason}`);
      else await sleep(STEP_S * 1000 + 1000, signal); // one step past the last active point
    }
    clearInterval(progress);
    await sink?.stop();

    // 5. read back what the dashboard showed over the run, and what was stored
    const to = new Date();
    const from = new Date(t0 - 2 * STEP_S * 1000);
    const read = (q: string) => rangeQuery(PROMETHEUS, q, from, to, STEP_S);
    const [acked, stored, lag, p99, dlq, alert] = await Promise.all([
      read(queries.acked_per_s),
      read(queries.stored_per_s),
      read(queries.lag),
      read(queries.event_to_row_p99_s),
      read(queries.dlq_per_s),
      read(queries.alert),
    ]);
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
      sink: sinkTimes,
      endS: (to.getTime() - t0) / 1000,
      series: {
        acked_per_s: onClock(acked, t0, (l) => l.topic === topic),
        stored_per_s: onClock(stored, t0),
        lag: onClock(lag, t0, (l) => l.topic === topic),
        event_to_row_p99_s: onClock(p99, t0),
        dlq_per_s: onClock(dlq, t0),
      },
      alert: alertPoints(alert, t0),
      drained,
      interrupted: signal.aborted,
    };

    // 6. report, write
    printSummary(run);
    say(`wrote ${writeResult(Lab08Result, buildResult(run))}`);
  } finally {
    clearInterval(progress);
    await sink?.stop();
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await db.pool.end().catch(() => {});
    await metrics.close();
  }
});
