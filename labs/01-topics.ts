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
import type { Admin } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import { z } from 'zod';
import { config } from '../lib/config.ts';
import { count, parseFlags } from '../lib/flags.ts';
import { createKafka, ensureTopics, waitForTopic, withAdmin, withProducer } from '../lib/kafka.ts';
import { runLab } from '../lib/lab.ts';
import { partitionFor } from '../lib/partitioner.ts';
import { table } from '../lib/terminal.ts';
import { Lab01Result } from '../lib/results/lab01.ts';
import { envelope, newRunId, writeResult } from '../lib/results/write.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { topicSpecs } from '../lib/topics.ts';
import { drainTopic } from '../lib/drain.ts';

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
    const topics = await describeTopics(admin, specs.map((s) => s.topic), new Set(ensured.created));
    console.log(
      table(
        topics.map((t) => ({
          topic: t.name,
          created: t.created ? 'yes' : 'existed',
          partitions: t.partitions.length,
          leaders: [...new Set(t.partitions.map((p) => p.leader))].join(','),
          'replicas×isr': `${t.partitions[0]?.replicas.length ?? 0}×${t.partitions[0]?.isr.length ?? 0}`,
          retention: `${Number(t.configs['retention.ms']) / 86_400_000} d`,
          'min.isr': t.configs['min.insync.replicas'] ?? '?',
        })),
        '\nTopics',
      ),
    );

    // 4. keyed partitioning, observed on the broker: produce to a scratch topic, read back where each record went
    const probeTopic = `lab01.keys.${runId}`;
    const partitions = c.transactionsPartitions;
    await admin.createTopics({ topics: [{ topic: probeTopic, numPartitions: partitions, replicationFactor: c.replicationFactor }], waitForLeaders: true });
    await waitForTopic(admin, probeTopic);
    try {
      const keys = Array.from({ length: args.keys }, (_, i) => `cust_${i + 1}`);
      await withProducer(kafka, async (producer) => {
        const messages = keys.flatMap((key) => Array.from({ length: args.messagesPerKey }, (_, n) => ({ key, value: JSON.stringify({ key, n }) })));
        for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic: probeTopic, acks: -1, messages: messages.slice(i, i + 1000) });
      });
      const seen = new Map<string, number[]>();
      await drainTopic(kafka, probeTopic, keys.length * args.messagesPerKey, (m, partition) => {
        const key = m.key?.toString() ?? '';
        seen.set(key, [...(seen.get(key) ?? []), partition]);
      });

      const placement = keys.map((key) => {
        const on = seen.get(key) ?? [];
        return { key, partitions: [...new Set(on)].sort((a, b) => a - b), expected_partition: partitionFor(key, partitions), messages: on.length };
      });
      const counts = Array.from({ length: partitions }, (_, p) => ({
        partition: p,
        keys: placement.filter((k) => k.partitions.includes(p)).length,
        messages: placement.reduce((s, k) => s + (seen.get(k.key) ?? []).filter((x) => x === p).length, 0),
      }));
      const mean = counts.reduce((s, x) => s + x.messages, 0) / partitions;
      const onOne = placement.filter((k) => k.partitions.length === 1).length;
      const matching = placement.filter((k) => k.partitions.length === 1 && k.partitions[0] === k.expected_partition).length;
      const skew = Math.max(...counts.map((x) => x.messages)) / mean;

      console.log(table(counts.map((x) => ({ partition: x.partition, keys: x.keys, records: x.messages, 'vs mean': `${((x.messages / mean - 1) * 100).toFixed(1)} %` })), `\nWhere ${keys.length} customer keys landed (${args.messagesPerKey} records each, read back from the broker)`));
      console.log(`\n  keys on exactly one partition: ${onOne}/${keys.length}   matching murmur2(key) mod ${partitions}: ${matching}/${keys.length}   skew (max/mean): ${skew.toFixed(2)}`);
      console.log(`  e.g. ${placement.slice(0, 4).map((k) => `${k.key} → ${k.partitions.join(',')}`).join('   ')}`);

      const path = writeResult(Lab01Result, {
        ...envelope('01-topics', runId, startedAt),
        parameters: { partitions, replication_factor: c.replicationFactor, sample_keys: args.keys, messages_per_key: args.messagesPerKey },
        metrics: { topics_created: ensured.created, topics_existing: ensured.existing, keys_total: keys.length, keys_on_one_partition: onOne, keys_matching_murmur2: matching, skew },
        samples: { topics, partition_counts: counts, key_placement: placement },
      });
      console.log(`\nlab 01: wrote ${path}`);
    } finally {
      await admin.deleteTopics({ topics: [probeTopic] }).catch((e) => console.warn(`lab 01: could not delete ${probeTopic}: ${(e as Error).message}`));
    }
  });
});

async function describeTopics(admin: Admin, names: string[], created: Set<string>) {
  const meta = await admin.fetchTopicMetadata({ topics: names });
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'cleanup.policy', 'min.insync.replicas'] })),
  });
  return meta.topics.map((t) => ({
    name: t.name,
    created: created.has(t.name),
    partitions: t.partitions
      .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
      .sort((a, b) => a.partition - b.partition),
    configs: Object.fromEntries(
      (configs.resources.find((r) => r.resourceName === t.name)?.configEntries ?? []).map((e) => [e.configName, e.configValue]),
    ),
  }));
}
