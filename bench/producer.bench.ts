#!/usr/bin/env bun
// Producer benchmark: lab 02's producer (kafkajs, idempotent, acks=all, keyed by customer_id, one send()
// per partition), and the same records through librdkafka (lib/rdkafka/, bun:ffi, `--client librdkafka`),
// against Kafka's own ProducerPerformance (the Java client) on the same broker, in the same run, with the
// same generated payloads. The ratios say how much of the broker's capacity each client reaches; the
// figures and ratios go to data/bench-producer.json.
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
import { RdkafkaProducer } from '../lib/rdkafka/producer.ts';
import { RdkafkaDelivery, produceAllRdkafka } from '../lib/rdkafka/produce-all.ts';

/** What one client achieved: records acknowledged, failed, per second, and its latency percentiles. */
function measured(stats: DeliveryStats, seconds: number, avgBytes: number) {
  const lat = percentiles(stats.latencies);
  return {
    records: stats.acked,
    failed: stats.failed,
    records_per_s: stats.acked / seconds,
    mb_per_s: (stats.acked * avgBytes) / seconds / 1e6,
    latency_ms: { avg: lat.mean, p50: lat.p50, p99: lat.p99, max: lat.max },
  };
}

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
    rdkafka: `${iso.prefix}.rdkafka`,
    rdLabels: `${iso.prefix}.rdkafka-labels`,
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
    const txlab = measured(stats, (performance.now() - t0) / 1000, avgBytes);
    await producer.disconnect();

    // 3. ours on librdkafka (bun:ffi), same records, partitions and settings (idempotent, acks=all)
    console.log(`txlab: librdkafka ${RdkafkaProducer.version()} through bun:ffi, idempotent, one report per record`);
    const rdStats = new DeliveryStats();
    const rdTopics = { transactions: topics.rdkafka, labels: topics.rdLabels };
    const delivery = new RdkafkaDelivery(
      rdTopics,
      { transactions: args.partitions, labels: args.partitions },
      rdStats,
      { brokers: c.kafka.brokers, clientId: 'bench-producer-rdkafka' },
    );
    const t1 = performance.now();
    await produceAllRdkafka(delivery, events, { signal });
    const rdkafka = measured(rdStats, (performance.now() - t1) / 1000, avgBytes);
    await delivery.producer.close();
    const stored = await withAdmin(kafka, async (admin) =>
      (await admin.fetchTopicOffsets(topics.rdkafka)).reduce((n, o) => n + Number(o.high) - Number(o.low), 0),
    );
    if (stored !== rdkafka.records)
      throw new Error(`librdkafka run: ${rdkafka.records} records acknowledged but the topic holds ${stored}`);

    const ratio = txlab.records_per_s / reference.records_per_s;
    const rdRatio = rdkafka.records_per_s / reference.records_per_s;
    const row = (
      client: string,
      m: { records_per_s: number; mb_per_s: number; latency_ms: { p50: number; p99: number } },
    ) => ({
      client,
      'records/s': Math.round(m.records_per_s),
      'MB/s': m.mb_per_s,
      'p50 ms': m.latency_ms.p50,
      'p99 ms': m.latency_ms.p99,
    });
    console.log(
      table([
        row('Kafka ProducerPerformance (Java)', reference),
        row('txlab producer (kafkajs)', txlab),
        row('txlab producer (librdkafka)', rdkafka),
      ]),
    );
    console.log(
      `\n  ratio txlab / reference: kafkajs ${ratio.toFixed(2)}, librdkafka ${rdRatio.toFixed(2)}   (latency: Java and librdkafka per record; kafkajs per send)`,
    );
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
          rdkafka: { ...rdkafka, stored, version: RdkafkaProducer.version() },
          rdkafka_ratio: rdRatio,
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
