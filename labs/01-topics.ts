#!/usr/bin/env bun
// Lab 01 — topics and keyed partitioning.
//
// Goal: create every topic the pipeline uses (transactions, its dead-letter and ground-truth topics,
// aggregates, anomalies, verdicts), look at how Kafka lays them out (partitions, leader, replicas,
// in-sync replicas, retention), and see keyed partitioning at work: every record with the same key
// (customer_id) lands on the same partition, the one murmur2(key) mod partitions names.
//
// Expect: the topics listed with their settings; then a sample of customer keys produced to a scratch
// topic and read back from the broker: every key on exactly one partition, matching murmur2 for all
// keys, and a per-partition spread whose skew (max/mean) is close to 1. Re-running is harmless.
import { z } from 'zod';
import { config } from '../lib/config.ts';
import { count, parseFlags } from '../lib/flags.ts';
import { createKafka, ensureTopics, withAdmin } from '../lib/kafka.ts';
import { runLab } from '../lib/lab.ts';
import { Lab01Result } from '../lib/results/lab01.ts';
import { newRunId, writeResult } from '../lib/results/write.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { topicSpecs } from '../lib/topics.ts';
import { describeTopics } from './01-topics/describe.ts';
import { placeKeys } from './01-topics/keys.ts';
import { buildResult, printSummary } from './01-topics/report.ts';

const flags = {
  name: 'bun run lab:01',
  summary: 'Creates and describes the pipeline topics; shows where customer keys land.',
  shape: {
    keys: count().pipe(z.number().min(1).max(100_000)).default(200),
    messagesPerKey: count().pipe(z.number().min(1).max(1000)).default(5),
  },
  help: { keys: 'how many customer keys to place', messagesPerKey: 'records produced per key' },
};

await runLab('lab 01', async () => {
  const args = parseFlags(flags);
  const c = config();
  const runId = newRunId('01');
  const startedAt = new Date();

  // 1. make sure a broker is there
  await ensureStack({ engines: ['kafka'] });
  const kafka = createKafka('lab01-topics');

  await withAdmin(kafka, async (admin) => {
    // 2. create the pipeline's topics (idempotent: existing ones are left as they are)
    const specs = topicSpecs(c);
    const ensured = await ensureTopics(admin, specs);
    for (const w of ensured.warnings) console.warn(`lab 01: ${w}`);
    for (const g of ensured.grown) console.log(`lab 01: grew ${g.topic} from ${g.from} to ${g.to} partitions`);

    // 3. describe them as the broker sees them
    const topics = await describeTopics(
      admin,
      specs.map((s) => s.topic),
      new Set(ensured.created),
    );

    // 4. keyed partitioning, observed on the broker: produce to a scratch topic, read back where each record went
    const keys = await placeKeys(kafka, admin, {
      topic: `lab01.keys.${runId}`,
      keys: Array.from({ length: args.keys }, (_, i) => `cust_${i + 1}`),
      messagesPerKey: args.messagesPerKey,
      partitions: c.transactionsPartitions,
      replicationFactor: c.replicationFactor,
    });

    // 5. report, write
    const run = { runId, startedAt, config: c, ensured, topics, keys };
    printSummary(run);
    console.log(`\nlab 01: wrote ${writeResult(Lab01Result, buildResult(run))}`);
  });
});
