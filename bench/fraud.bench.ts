#!/usr/bin/env bun
// Fraud review benchmark: how many review workflows per second the Temporal dev server and one worker
// finish, and how fast, at fixed offered rates — against the same server's ceiling for a workflow
// that does nothing, measured in the same run (closed loop, same concurrency). The ratio says how much
// of what Temporal can do here the review's three activities (a history query, an upsert, a Kafka
// publish) leave. The offered rates go up until one cannot be kept up with (below 80 %: saturated).
// The worker runs in this process (under Bun), beside the load generator, or with `--worker bun|node` as a
// process of its own (bench/fraud-worker.ts), whose CPU, and the Temporal server's, each closed loop
// records. Writes data/bench-fraud.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { z } from 'zod';
import { ensureDatabase, openDb } from '../lib/db/connect.ts';
import { migrate } from '../lib/db/migrate.ts';
import { flaggedReview } from '../lib/fixtures/review.ts';
import { connectClient, startReview } from '../lib/fraud/review/client.ts';
import type { Verdict } from '../lib/fraud/review/schemas.ts';
import { ActivityLog } from '../lib/fraud/review/sql/activity-log.ts';
import { VerdictStore } from '../lib/fraud/review/sql/verdicts.ts';
import { connectWorker, installRuntime } from '../lib/fraud/review/worker.ts';
import { count, parseFlags, seconds } from '../lib/flags.ts';
import { runtime } from '../lib/child.ts';
import { createKafka, createProducer, ensureTopics, withAdmin } from '../lib/kafka.ts';
import { topicSpecs } from '../lib/topics.ts';
import { runLab } from '../lib/lab.ts';
import { UsageError } from '../lib/errors.ts';
import { sleep } from '../lib/wait.ts';
import { table } from '../lib/terminal.ts';
import { enginePid, ensureStack } from '../lib/stack/index.ts';
import { percentiles } from '../lib/percentiles.ts';
import { isolated } from '../lib/testing/isolation.ts';
import { processCpuSeconds } from '../lib/scale/cpu.ts';
import { spawnBenchWorker } from './fraud-worker-process.ts';
import { benchWorker } from './fraud-bench-worker.ts';
import { busyBetween, persistenceSeconds } from './persistence-time.ts';
import { MONITORING } from '../lib/monitoring/ports.ts';

const flags = {
  name: 'bun run bench fraud',
  summary: 'Review workflows/s and latency at fixed offered rates, against a trivial workflow on the same server.',
  shape: {
    seconds: seconds(10),
    rates: z
      .string()
      .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, 'expected rates per second, e.g. 2,5,10,20')
      .default('2,5,10,20,40'),
    concurrency: count().pipe(z.number().min(1).max(500)).default(32),
    worker: z.enum(['in-process', 'bun', 'node']).default('in-process'),
    eager: z.boolean().default(false),
  },
  help: {
    seconds: 'seconds per measurement',
    rates: 'offered review rates per second, comma-separated',
    concurrency: 'workflows in flight in the closed-loop ceilings',
    worker: 'in-process (Bun, beside the load), or a process of its own under bun or node: what the runtime costs',
    eager:
      "eager workflow start: the client runs on the in-process worker's connection and gets the first workflow task back with the start",
  },
};

type Sample = { ms: number; doneAt: number };

await runLab('bench fraud', async ({ signal }) => {
  const args = parseFlags(flags);
  if (args.eager && args.worker !== 'in-process')
    throw new UsageError(`--eager needs the worker in this process (--worker in-process), not --worker ${args.worker}`);
  // a namespace of its own: topics, tables (in a database of its own), task queue, workflow ids
  const iso = isolated('bench_fraud');
  const c = iso.config;
  const up = await ensureStack({ engines: ['kafka', 'db', 'temporal'] });
  const temporalPid = enginePid(up, 'temporal');
  installRuntime('ERROR');
  await ensureDatabase(c.db.url);
  const db = await openDb(c.db.url, 16);
  await migrate(db);
  const kafka = createKafka('bench-fraud', c);
  const producer = createProducer(kafka);
  const target = { taskQueue: c.fraud.taskQueue, workflowPrefix: c.fraud.workflowPrefix };
  const verdicts = new VerdictStore(db.pool, c.fraud.tables.verdicts);
  const attempts = new ActivityLog(db.pool, c.fraud.tables.activityLog);
  let client: Client | undefined;
  let stopWorker: (() => Promise<number>) | undefined;
  try {
    await verdicts.ensureTable();
    await attempts.ensureTable();
    await withAdmin(kafka, (admin) =>
      ensureTopics(
        admin,
        topicSpecs(c).filter((s) => s.topic === c.topics.verdicts),
      ),
    );
    await producer.connect();
    const workflowsPath = join(import.meta.dir, 'fraud-workflows.ts');
    const own = args.worker === 'in-process' ? undefined : await spawnBenchWorker(args.worker, iso.env, workflowsPath);
    stopWorker = own && (() => own.stop(15_000));
    const ownRuntime = own && (await own.ready).runtime;
    const workerConnection = own ? undefined : await connectWorker(c);
    // eager start needs the client on the worker's own NativeConnection
    client =
      args.eager && workerConnection
        ? new Client({ connection: workerConnection, namespace: c.temporal.namespace })
        : await connectClient(c);
    const worker = workerConnection
      ? await benchWorker({ c, connection: workerConnection, pool: db.pool, kafka, producer, workflowsPath })
      : undefined;
    // the server's persistence time so far, from its own metrics (unreachable, e.g. an external Temporal:
    // null, never a made-up 0)
    const persistence = () =>
      fetch(`http://127.0.0.1:${MONITORING.temporalMetricsPort}/metrics`)
        .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
        .then(persistenceSeconds)
        .catch(() => null);
    // CPU seconds per second of each closed loop: the worker's process (in-process: this one, load included)
    // and the Temporal server's
    const workerPid = own?.pid ?? process.pid;
    const cpuNow = () => ({
      worker: processCpuSeconds(workerPid),
      server: temporalPid === undefined ? undefined : processCpuSeconds(temporalPid),
    });
    const cores = (a: number | undefined, b: number | undefined, secs: number) =>
      a === undefined || b === undefined ? null : (b - a) / secs;
    const cl = client;
    // decided by the rules (impossible travel at 0.9: decline): history query, upsert, publish; `local`:
    // the three as local activities
    const review = async (local: boolean) => {
      const input = flaggedReview([{ rule: 'impossible_travel', score: 0.9, reason: 'bench' }], { customer: 'cust_1' });
      const { workflowId } = await startReview(
        cl,
        target,
        { ...input, ...(local ? { local_activities: true } : {}) },
        { eager: args.eager },
      );
      const v: Verdict = await cl.workflow.getHandle(workflowId).result();
      if (v.verdict !== 'decline') throw new Error(`bench: expected a decline for ${workflowId}, got ${v.verdict}`);
    };
    const trivial = () =>
      cl.workflow
        .execute('trivial', {
          taskQueue: target.taskQueue,
          workflowId: `${target.workflowPrefix}-trivial-${crypto.randomUUID()}`,
          ...(args.eager ? { requestEagerStart: true } : {}),
        })
        .then(() => {});

    const timed = async (f: () => Promise<void>, out: Sample[]) => {
      const t = performance.now();
      await f();
      out.push({ ms: performance.now() - t, doneAt: performance.now() });
    };
    /** `concurrency` loops, each starting the next workflow when its last one finished, for `seconds`. */
    const closedLoop = async (name: string, f: () => Promise<void>) => {
      const samples: Sample[] = [];
      const until = performance.now() + args.seconds * 1000;
      const t0 = performance.now();
      const cpu0 = cpuNow();
      const store0 = await persistence();
      await Promise.all(
        Array.from({ length: args.concurrency }, async () => {
          while (performance.now() < until && !signal.aborted) await timed(f, samples);
        }),
      );
      const secs = (performance.now() - t0) / 1000;
      const cpu1 = cpuNow();
      const cpu = {
        worker_cores: cores(cpu0.worker, cpu1.worker, secs),
        server_cores: cores(cpu0.server, cpu1.server, secs),
      };
      const store1 = await persistence();
      const store = store0 && store1 ? busyBetween(store0, store1, secs) : null;
      console.error(
        `  ${name}: ${samples.length} in ${secs.toFixed(1)} s; cores used: worker ${cpu.worker_cores?.toFixed(2) ?? '?'}, server ${cpu.server_cores?.toFixed(2) ?? '?'}; ` +
          (store
            ? `persistence busy ${store.seconds_per_s.toFixed(2)} s/s (${store.top.map((t) => `${t.operation} ${t.seconds_per_s.toFixed(2)}`).join(', ')})`
            : 'persistence busy ? (no server metrics)'),
      );
      return {
        workflows: samples.length,
        seconds: secs,
        per_s: samples.length / secs,
        latency_ms: percentiles(samples.map((s) => s.ms)),
        cpu,
        persistence_busy: store,
      };
    };
    /** Starts `rate` reviews per second for `seconds` (open loop: regardless of how many are still running). */
    const offered = async (rate: number, local: boolean) => {
      const samples: Sample[] = [];
      const running: Promise<void>[] = [];
      const t0 = performance.now();
      const n = Math.round(rate * args.seconds);
      for (let i = 0; i < n && !signal.aborted; i++) {
        await sleep(Math.max(0, t0 + (i * 1000) / rate - performance.now()), signal);
        running.push(timed(() => review(local), samples));
      }
      await Promise.all(running);
      const secs = ((samples.length ? Math.max(...samples.map((s) => s.doneAt)) : performance.now()) - t0) / 1000;
      console.error(`  offered ${rate}/s${local ? ' (local)' : ''}: ${samples.length} in ${secs.toFixed(1)} s`);
      return {
        offered_per_s: rate,
        workflows: samples.length,
        seconds: secs,
        achieved_per_s: samples.length / secs,
        latency_ms: percentiles(samples.map((s) => s.ms)),
      };
    };

    const measure = async () => {
      await closedLoop('warm-up', trivial);
      const trivialCeiling = await closedLoop(`trivial workflow, ${args.concurrency} in flight`, trivial);
      const reviewCeiling = await closedLoop(`review workflow, ${args.concurrency} in flight`, () => review(false));
      const localCeiling = await closedLoop(`review, local activities, ${args.concurrency} in flight`, () =>
        review(true),
      );
      const offeredSteps = async (local: boolean) => {
        const steps = [];
        for (const rate of args.rates.split(',').map(Number)) {
          if (signal.aborted) break;
          const step = await offered(rate, local);
          steps.push(step);
          if (step.achieved_per_s < 0.8 * rate) break; // saturated: higher rates only queue longer
        }
        return steps;
      };
      const steps = await offeredSteps(false);
      const localSteps = await offeredSteps(true);
      return { trivialCeiling, reviewCeiling, localCeiling, steps, localSteps };
    };
    // the worker in its own process: a crash mid-run ends the bench with its stderr, not a hang
    const died = (child: NonNullable<typeof own>) =>
      child.exited.then((code): never => {
        throw new Error(`bench fraud: the worker exited (${code}) mid-run:\n${child.lines().slice(-20).join('\n')}`);
      });
    const dead = own && died(own);
    dead?.catch(() => {}); // it rejects on the bench's own stop too: only the race below looks at it
    const results = worker ? await worker.runUntil(measure) : await Promise.race([measure(), dead!]);
    const workerRuntime = own ? `${ownRuntime}, a process of its own` : `${runtime()}, in this process`;

    const ratio = results.reviewCeiling.per_s / results.trivialCeiling.per_s;
    const ratioLocal = results.localCeiling.per_s / results.trivialCeiling.per_s;
    console.log(
      table(
        [
          {
            workload: `trivial, closed loop ×${args.concurrency}`,
            'workflows/s': results.trivialCeiling.per_s,
            'p50 ms': results.trivialCeiling.latency_ms.p50,
            'p99 ms': results.trivialCeiling.latency_ms.p99,
          },
          {
            workload: `review, closed loop ×${args.concurrency}`,
            'workflows/s': results.reviewCeiling.per_s,
            'p50 ms': results.reviewCeiling.latency_ms.p50,
            'p99 ms': results.reviewCeiling.latency_ms.p99,
          },
          {
            workload: `review, local activities, closed loop ×${args.concurrency}`,
            'workflows/s': results.localCeiling.per_s,
            'p50 ms': results.localCeiling.latency_ms.p50,
            'p99 ms': results.localCeiling.latency_ms.p99,
          },
          ...[...results.steps, ...results.localSteps].map((s, i) => ({
            workload: `review${i >= results.steps.length ? ', local activities' : ''}, offered ${s.offered_per_s}/s`,
            'workflows/s': s.achieved_per_s,
            'p50 ms': s.latency_ms.p50,
            'p99 ms': s.latency_ms.p99,
          })),
        ],
        `\nTemporal dev server, one worker (${workerRuntime})`,
      ),
    );
    console.log(
      `\n  review ceiling / trivial ceiling: ${ratio.toFixed(2)} (recorded activities), ${ratioLocal.toFixed(2)} (local)`,
    );
    const path = join(c.dataDir, 'bench-fraud.json');
    writeFileSync(
      path,
      JSON.stringify(
        {
          bench: 'fraud',
          at: new Date().toISOString(),
          runtime: runtime(),
          worker_runtime: workerRuntime,
          parameters: args,
          trivial: results.trivialCeiling,
          review_closed_loop: results.reviewCeiling,
          review_offered: results.steps,
          review_local_closed_loop: results.localCeiling,
          review_local_offered: results.localSteps,
          ratio,
          ratio_local: ratioLocal,
        },
        null,
        1,
      ),
    );
    console.log(`bench fraud: wrote ${path}`);
  } finally {
    await stopWorker?.().catch(() => {});
    await client?.connection.close().catch(() => {});
    await producer.disconnect().catch(() => {});
    await db.pool.end().catch(() => {});
    await iso.cleanup();
  }
});
