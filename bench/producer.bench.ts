#!/usr/bin/env bun
// Producer benchmark: lab 02's producer (kafkajs, idempotent, acks=all, keyed by customer_id, one send()
// per partition) against Kafka's own ProducerPerformance (the Java client) on the same broker, in the
// same run, with the same generated payloads. The ratio says how much of the broker's capacity our
// client reaches; both figures and the ratio go to data/bench-producer.json.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { config } from '../lib/config.ts';
import { count, parseFlags } from '../lib/flags.ts';
import { TransactionGenerator } from '../lib/generator/index.ts';
import { createKafka, createProducer, ensureTopics, withAdmin } from '../lib/kafka.ts';
import { runLab } from '../lib/lab.ts';
import { DeliveryStats, produceAll } from '../lib/produce.ts';
import { PartitionCounts } from '../lib/send.ts';
import { table } from '../lib/terminal.ts';
import { kafkaClasspath } from '../lib/stack/kafka.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { isolated } from '../lib/testing/isolation.ts';
import { percentiles } from '../lib/percentiles.ts';
import { parseProducerPerformance } from './producer-performance.ts';

const flags = {
  name: 'bun run bench producer',
  summary: 'kafkajs producer vs Kafka ProducerPerformance on the same broker and payloads.',
  shape: {
    events: count().pipe(z.number().min(1000).max(5_000_000)).default(200_000),
    partitions: count().pipe(z.number().min(1).max(256)).default(6),
    batch: count().pipe(z.number().min(1).max(10_000)).default(500),
    inFlight: count().pipe(z.number().min(1).max(64)).default(4),
  },
  help: {
    events: 'records per client',
    partitions: 'partitions of the bench topics',
    batch: 'records per kafkajs send (each send holds one partition)',
    inFlight: 'concurrent kafkajs sends',
  },
};

await runLab('bench producer', async ({ signal }) => {
  const args = parseFlags(flags);
  const c = config();
  await ensureStack({ engines: ['kafka'] });
  const iso = isolated('bench_producer');
  const kafka = createKafka('bench-producer', iso.config);
  const topics = {
    reference: `${iso.prefix}.reference`,
    txlab: iso.config.topics.transactions,
    labels: iso.config.topics.labels,
  };

  const gen = new TransactionGenerator({ ...c.generator });
  const events = gen.backfill(args.events, Date.now() - 86_400_000, Date.now());
  const dir = mkdtempSync(join(tmpdir(), 'txlab-bench-'));
  const payloads = join(dir, 'payloads.txt');
  writeFileSync(
    payloads,
    events
      .slice(0, 50_000)
      .map((e) => JSON.stringify(e.event))
      .join('\n'),
  );
  const avgBytes = events.slice(0, 1000).reduce((s, e) => s + JSON.stringify(e.event).length, 0) / 1000;

  await withAdmin(kafka, (admin) =>
    ensureTopics(
      admin,
      Object.values(topics).map((topic) => ({ topic, numPartitions: args.partitions })),
    ),
  );
  try {
    // 1. the reference: the Java client's own benchmark tool, same settings as ours (idempotent, acks=all)
    console.log(
      `reference: ProducerPerformance, ${args.events.toLocaleString()} records of ~${Math.round(avgBytes)} bytes`,
    );
    const cp = await kafkaClasspath(c);
    const java = Bun.spawn(
      [
        'java',
        '-Xmx512m',
        '-cp',
        cp,
        'org.apache.kafka.tools.ProducerPerformance',
        '--topic',
        topics.reference,
        '--num-records',
        String(args.events),
        '--throughput',
        '-1',
        '--payload-file',
        payloads,
        '--producer-props',
        `bootstrap.servers=${c.kafka.brokers.join(',')}`,
        'acks=all',
        'enable.idempotence=true',
      ],
      { stdout: 'pipe', stderr: 'pipe' },
    );
    const [out, err, code] = await Promise.all([
      new Response(java.stdout).text(),
      new Response(java.stderr).text(),
      java.exited,
    ]);
    if (code !== 0)
      throw new Error(`ProducerPerformance exited with ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`);
    const reference = parseProducerPerformance(out);

    // 2. ours: the code lab 02 runs, on the same broker and payload distribution
    console.log(
      `txlab: kafkajs idempotent producer, sends of ≤ ${args.batch} records of one partition, ${args.inFlight} in flight`,
    );
    const producer = createProducer(kafka);
    await producer.connect();
    const stats = new DeliveryStats();
    const t0 = performance.now();
    const counts = new PartitionCounts(kafka);
    await produceAll(producer, counts, { transactions: topics.txlab, labels: topics.labels }, events, stats, {
      signal,
      batchSize: args.batch,
      inFlight: args.inFlight,
    });
    const seconds = (performance.now() - t0) / 1000;
    await producer.disconnect();
    const lat = percentiles(stats.latencies);
    const txlab = {
      records: stats.acked,
      failed: stats.failed,
      records_per_s: stats.acked / seconds,
      mb_per_s: (stats.acked * avgBytes) / seconds / 1e6,
      latency_ms: { avg: lat.mean, p50: lat.p50, p99: lat.p99, max: lat.max },
    };

    const ratio = txlab.records_per_s / reference.records_per_s;
    console.log(
      table([
        {
          client: 'Kafka ProducerPerformance (Java)',
          'records/s': Math.round(reference.records_per_s),
          'MB/s': reference.mb_per_s,
          'p50 ms': reference.latency_ms.p50,
          'p99 ms': reference.latency_ms.p99,
        },
        {
          client: 'txlab producer (kafkajs)',
          'records/s': Math.round(txlab.records_per_s),
          'MB/s': txlab.mb_per_s,
          'p50 ms': txlab.latency_ms.p50,
          'p99 ms': txlab.latency_ms.p99,
        },
      ]),
    );
    console.log(`\n  ratio txlab / reference: ${ratio.toFixed(2)}   (latency: Java per record; kafkajs per send)`);
    const path = join(c.dataDir, 'bench-producer.json');
    writeFileSync(
      path,
      JSON.stringify(
        {
          bench: 'producer',
          at: new Date().toISOString(),
          parameters: { ...args, avg_record_bytes: Math.round(avgBytes) },
          reference,
          txlab,
          ratio,
        },
        null,
        1,
      ),
    );
    console.log(`bench producer: wrote ${path}`);
  } finally {
    await iso.cleanup();
  }
});
