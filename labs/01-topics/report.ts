// Lab 01's report: the topics and the key placement as tables, and as data/01-topics.json.
import type { Config } from '../../lib/config.ts';
import type { EnsureTopicsResult } from '../../lib/kafka.ts';
import type { Lab01Result } from '../../lib/results/lab01.ts';
import { envelope } from '../../lib/results/write.ts';
import { table } from '../../lib/terminal.ts';
import type { TopicDescription } from './describe.ts';
import type { KeyPlacement } from './keys.ts';

export type Lab01Run = {
  runId: string;
  startedAt: Date;
  config: Config;
  ensured: EnsureTopicsResult;
  topics: TopicDescription[];
  keys: KeyPlacement;
};

export function printSummary({ topics, keys: k }: Lab01Run): void {
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
  const mean = k.counts.reduce((s, x) => s + x.messages, 0) / k.partitions;
  const keys = k.placement.length;
  console.log(
    table(
      k.counts.map((x) => ({
        partition: x.partition,
        keys: x.keys,
        records: x.messages,
        'vs mean': `${((x.messages / mean - 1) * 100).toFixed(1)} %`,
      })),
      `\nWhere ${keys} customer keys landed (${k.messagesPerKey} records each, read back from the broker)`,
    ),
  );
  console.log(
    `\n  keys on exactly one partition: ${k.onOne}/${keys}   matching murmur2(key) mod ${k.partitions}: ${k.matching}/${keys}   skew (max/mean): ${k.skew.toFixed(2)}`,
  );
  console.log(
    `  e.g. ${k.placement
      .slice(0, 4)
      .map((p) => `${p.key} → ${p.partitions.join(',')}`)
      .join('   ')}`,
  );
}

export function buildResult({ runId, startedAt, config: c, ensured, topics, keys: k }: Lab01Run): Lab01Result {
  return {
    ...envelope('01-topics', runId, startedAt, c),
    parameters: {
      partitions: k.partitions,
      replication_factor: c.replicationFactor,
      sample_keys: k.placement.length,
      messages_per_key: k.messagesPerKey,
    },
    metrics: {
      topics_created: ensured.created,
      topics_existing: ensured.existing,
      keys_total: k.placement.length,
      keys_on_one_partition: k.onOne,
      keys_matching_murmur2: k.matching,
      skew: k.skew,
    },
    samples: { topics, partition_counts: k.counts, key_placement: k.placement },
  };
}
