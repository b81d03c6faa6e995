// The consumer-lag exporter as the stack runs it (lib/stack/lag-exporter.ts): reads every group's lag
// every few seconds and serves the last reading on http://127.0.0.1:9492/metrics until SIGINT/SIGTERM.
// A Kafka that is down or restarting is retried at the next poll; its metrics say so.
import { Counter, Gauge } from 'prom-client';
import { config } from '../config.ts';
import { createKafka } from '../kafka.ts';
import { sleep } from '../wait.ts';
import { type LagSnapshot, lagRegistry, READING_STARTED, readLag } from './lag-exporter.ts';
import { MONITORING } from './ports.ts';

const POLL_MS = 5_000;

let latest: LagSnapshot | undefined;
const registry = lagRegistry(() => latest);
const up = new Gauge({
  name: 'txlab_lag_exporter_kafka_up',
  help: '1 if the last poll of Kafka succeeded',
  registers: [registry],
});
const errors = new Counter({
  name: 'txlab_lag_exporter_poll_errors_total',
  help: 'Polls of Kafka that failed',
  registers: [registry],
});
const pollSeconds = new Gauge({
  name: 'txlab_lag_exporter_poll_duration_seconds',
  help: 'How long the last poll took',
  registers: [registry],
});

const readingStarted = new Gauge({
  name: READING_STARTED,
  help: 'When the reading served began (Unix seconds): offsets committed before it are in it',
  registers: [registry],
});

const server = Bun.serve({
  hostname: MONITORING.host,
  port: MONITORING.lagExporterPort,
  async fetch(req) {
    if (new URL(req.url).pathname !== '/metrics') return new Response('not found: try /metrics\n', { status: 404 });
    return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
  },
});
console.log(
  `lag exporter: serving http://${MONITORING.host}:${server.port}/metrics, polling ${config().kafka.brokers.join(',')} every ${POLL_MS / 1000} s`,
);

const stop = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => stop.abort());

// a fresh admin each poll: one that has read a topic since deleted (tests delete theirs) fails every
// later metadata request in kafkajs 2.2.4
const kafka = createKafka('txlab-lag-exporter', config(), { retry: { retries: 2, initialRetryTime: 200 } });
while (!stop.signal.aborted) {
  const t0 = performance.now();
  const startedS = Date.now() / 1000;
  const admin = kafka.admin();
  try {
    await admin.connect();
    latest = await readLag(admin, () => kafka.admin());
    readingStarted.set(startedS);
    up.set(1);
  } catch (e) {
    up.set(0);
    errors.inc();
    latest = undefined; // stale offsets would read as a lag that stands still
    readingStarted.reset();
    console.error(`lag exporter: polling Kafka failed (retrying in ${POLL_MS / 1000} s): ${(e as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
  pollSeconds.set((performance.now() - t0) / 1000);
  await sleep(Math.max(0, POLL_MS - (performance.now() - t0)), stop.signal);
}
await server.stop(true);
console.log('lag exporter: stopped');
process.exit(0);
