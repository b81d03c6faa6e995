#!/usr/bin/env bun
// The fraud benchmark's worker as a process of its own, so `bun run bench fraud --worker-runtime node`
// can measure what the runtime costs: the same workflows (fraud-workflows.ts: the review and a trivial
// one) and activities as the in-process worker, polling the bench's task queue until SIGTERM. Under Node
// it runs as a bundle that Bun builds for Node (bench/fraud.bench.ts), so it must not use Bun's APIs.
// Tells its parent it is ready once it polls (lib/child.ts).
import { announceReady } from '../lib/child.ts';
import { config } from '../lib/config.ts';
import { openDb } from '../lib/db/connect.ts';
import { connectWorker, installRuntime } from '../lib/fraud/review/worker.ts';
import { createKafka, createProducer } from '../lib/kafka.ts';
import { benchWorker } from './fraud-bench-worker.ts';

const workflowsPath = process.env.TXLAB_BENCH_WORKFLOWS;
if (!workflowsPath) throw new Error('bench fraud worker: TXLAB_BENCH_WORKFLOWS (the workflows file) is not set');
const c = config();
installRuntime('ERROR');
const db = await openDb(c.db.url, 16);
const kafka = createKafka('bench-fraud-worker', c);
const producer = createProducer(kafka);
await producer.connect();
const worker = await benchWorker({
  c,
  connection: await connectWorker(c),
  pool: db.pool,
  kafka,
  producer,
  workflowsPath,
});
await announceReady(`bench fraud worker: ready on ${c.fraud.taskQueue}`);
await worker.run(); // until SIGTERM: the SDK's runtime shuts the worker down
await producer.disconnect().catch(() => {});
await db.pool.end().catch(() => {});
process.exit(0);
