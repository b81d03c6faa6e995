// Lab 01's report: the topics and the key placement as tables, and as data/01-topics.json.
import type { Config } from '../../lib/config.ts';
import type { EnsureTopicsResult } from '../../lib/kafka.ts';
import type { Lab01Result } from '../../lib/results/lab01.ts';
import { envelope } from '../../lib/results/write.ts';
import { fmt, table } from '../../lib/terminal.ts';
import { busiestByChance, keysBand } from './chance.ts';
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

/** This run's spread against chance: the band of keys per partition, and the busiest partition of random placements. */
function chance(k: KeyPlacement) {
  const keys = k.placement.length;
  const band = keysBand(keys, k.partitions);
  const busiest = busiestByChance(keys, k.partitions, Math.max(...k.counts.map((x) => x.keys)));
  return { band, busiest };
}

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
  const { band, busiest } = chance(k);
  const vsChance = (n: number) => (n > band.high ? 'above' : n < band.low ? 'below' : 'within');
  console.log(
    table(
      k.counts.map((x) => ({
        partition: x.partition,
        keys: x.keys,
        records: x.messages,
        'vs mean': `${((x.messages / mean - 1) * 100).toFixed(1)} %`,
        'chance band': vsChance(x.keys),
      })),
      `\nWhere ${keys} customer keys landed (${k.messagesPerKey} records each, read back from the broker)`,
    ),
  );
  console.log(
    `\n  keys on exactly one partition: ${k.onOne}/${keys}   matching murmur2(key) mod ${k.partitions}: ${k.matching}/${keys}   skew (max/mean): ${k.skew.toFixed(2)}`,
  );
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  console.log(
    `  by chance (keys placed at random): ${band.mean.toFixed(1)} ± ${(2 * band.sd).toFixed(1)} keys per partition (mean ± 2 sd)\n` +
      `  ${fmt(busiest.trials)} simulated random placements: skew median ${busiest.skewP50.toFixed(2)}, 95th percentile` +
      ` ${busiest.skewP95.toFixed(2)}; ${pct(busiest.atLeastObserved)} as uneven as this run or more`,
  );
  console.log(
    `  e.g. ${k.placement
      .slice(0, 4)
      .map((p) => `${p.key} → ${p.partitions.join(',')}`)
      .join('   ')}`,
  );
}

export function buildResult({ runId, startedAt, config: c, ensured, topics, keys: k }: Lab01Run): Lab01Result {
  const { band, busiest } = chance(k);
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
      keys_by_chance: band,
      skew_by_chance: {
        trials: busiest.trials,
        p50: busiest.skewP50,
        p95: busiest.skewP95,
        at_least_observed: busiest.atLeastObserved,
      },
    },
    samples: {
      topics,
      partition_counts: k.counts,
      busiest_by_chance: busiest.counts.map((b) => ({ max_keys: b.maxKeys, trials: b.trials })),
      key_placement: k.placement,
    },
  };
}
