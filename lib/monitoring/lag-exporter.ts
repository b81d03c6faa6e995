// Consumer lag for Prometheus, since no kafka_exporter or kminion can be installed here: a snapshot of
// every consumer group's committed offsets against the end of each partition, read with the kafkajs
// admin, served under kafka_exporter's metric names and labels so the community's Kafka dashboards
// (e.g. Kafka Exporter Overview, id 7589) work on it unchanged. Lag follows lib/lag.ts: a partition the
// group has never committed on counts from its start.
import type { Admin } from 'kafkajs';
import { Gauge, Registry } from 'prom-client';
import { computeLag, type PartitionLag } from '../lag.ts';

export type TopicOffsets = { topic: string; partitions: { partition: number; high: number; low: number }[] };
export type GroupLag = { group: string; topic: string; partitions: PartitionLag[] };
export type LagSnapshot = { brokers: number; topics: TopicOffsets[]; groups: GroupLag[] };

const CONCURRENCY = 8;

/**
 * When the reading the exporter serves began, in Unix seconds: every offset committed before that moment
 * is in it. A scrape can carry a reading up to one poll old, so "lag 0" means "caught up" only on a
 * reading that began after the moment one waits for.
 */
export const READING_STARTED = 'txlab_lag_exporter_reading_started_timestamp_seconds';

/** Runs `f` over `items`, at most CONCURRENCY at a time, keeping the results that did not throw. */
async function settledMap<T, R>(items: readonly T[], f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += CONCURRENCY) {
    const settled = await Promise.allSettled(items.slice(i, i + CONCURRENCY).map(f));
    for (const s of settled) if (s.status === 'fulfilled') out.push(s.value);
  }
  return out;
}

type Ends = Awaited<ReturnType<Admin['fetchTopicOffsets']>>;

/**
 * End offsets of every topic. kafkajs 2.2.4 keeps each topic an admin has read in its metadata requests
 * and fails the whole request when any one of them has an error (a topic being deleted or created: "This
 * server does not host this topic-partition"), so one such topic fails every later read on that admin.
 * A topic that fails on the shared admin is read again on an admin of its own: only a topic that is
 * itself in trouble is left out of the reading, never the topics read after it.
 */
async function readEnds(admin: Admin, topics: readonly string[], freshAdmin?: () => Admin) {
  const failed: string[] = [];
  const ends = new Map<string, Ends>();
  await settledMap(topics, async (topic) => {
    try {
      ends.set(topic, await admin.fetchTopicOffsets(topic));
    } catch {
      failed.push(topic);
    }
  });
  if (freshAdmin)
    await settledMap(failed, async (topic) => {
      const own = freshAdmin();
      try {
        await own.connect();
        ends.set(topic, await own.fetchTopicOffsets(topic));
      } finally {
        await own.disconnect().catch(() => {});
      }
    });
  return new Map(topics.flatMap((t) => (ends.has(t) ? [[t, ends.get(t)!] as const] : [])));
}

/**
 * One reading of the cluster; a topic or group deleted while it is read is left out, not an error.
 * `freshAdmin` (unconnected) reads again a topic the shared admin failed on.
 */
export async function readLag(admin: Admin, freshAdmin?: () => Admin): Promise<LagSnapshot> {
  const [cluster, topicNames, { groups }] = await Promise.all([
    admin.describeCluster(),
    admin.listTopics(),
    admin.listGroups(),
  ]);
  const ends = await readEnds(
    admin,
    topicNames.filter((t) => !t.startsWith('__')),
    freshAdmin,
  );
  const consumerGroups = groups.filter((g) => g.protocolType === 'consumer').map((g) => g.groupId);
  const committed = await settledMap(consumerGroups, async (group) => ({
    group,
    topics: await admin.fetchOffsets({ groupId: group }),
  }));
  return {
    brokers: cluster.brokers.length,
    topics: [...ends].map(([topic, parts]) => ({
      topic,
      partitions: parts
        .map((p) => ({ partition: p.partition, high: Number(p.high), low: Number(p.low) }))
        .sort((a, b) => a.partition - b.partition),
    })),
    groups: committed.flatMap(({ group, topics }) =>
      topics.flatMap(({ topic, partitions }) => {
        const end = ends.get(topic);
        if (end === undefined || partitions.every((p) => Number(p.offset) < 0)) return [];
        return [{ group, topic, partitions: computeLag(end, partitions) }];
      }),
    ),
  };
}

/** A registry whose metrics are read from `latest()` at each scrape (nothing before the first snapshot). */
export function lagRegistry(latest: () => LagSnapshot | undefined): Registry {
  const registry = new Registry();
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (g: Gauge<L>, s: LagSnapshot) => void,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        const s = latest();
        if (s) fill(this, s);
      },
    });
  gauge('kafka_brokers', 'Number of brokers in the Kafka cluster', [], (g, s) => g.set(s.brokers));
  gauge('kafka_topic_partitions', 'Number of partitions of the topic', ['topic'], (g, s) => {
    for (const t of s.topics) g.set({ topic: t.topic }, t.partitions.length);
  });
  gauge('kafka_topic_partition_current_offset', 'End offset of the partition', ['topic', 'partition'], (g, s) => {
    for (const t of s.topics)
      for (const p of t.partitions) g.set({ topic: t.topic, partition: String(p.partition) }, p.high);
  });
  gauge('kafka_topic_partition_oldest_offset', 'Oldest offset of the partition', ['topic', 'partition'], (g, s) => {
    for (const t of s.topics)
      for (const p of t.partitions) g.set({ topic: t.topic, partition: String(p.partition) }, p.low);
  });
  const perPartition = ['consumergroup', 'topic', 'partition'] as const;
  gauge(
    'kafka_consumergroup_current_offset',
    'Committed offset of the group on the partition',
    perPartition,
    (g, s) => {
      for (const l of s.groups)
        for (const p of l.partitions)
          g.set({ consumergroup: l.group, topic: l.topic, partition: String(p.partition) }, p.committed);
    },
  );
  gauge('kafka_consumergroup_lag', 'Records of the partition the group has not committed yet', perPartition, (g, s) => {
    for (const l of s.groups)
      for (const p of l.partitions)
        g.set({ consumergroup: l.group, topic: l.topic, partition: String(p.partition) }, p.lag);
  });
  const perTopic = ['consumergroup', 'topic'] as const;
  gauge(
    'kafka_consumergroup_current_offset_sum',
    'Committed offsets of the group on the topic, summed',
    perTopic,
    (g, s) => {
      for (const l of s.groups)
        g.set(
          { consumergroup: l.group, topic: l.topic },
          l.partitions.reduce((sum, p) => sum + p.committed, 0),
        );
    },
  );
  gauge('kafka_consumergroup_lag_sum', 'Lag of the group on the topic, summed over partitions', perTopic, (g, s) => {
    for (const l of s.groups)
      g.set(
        { consumergroup: l.group, topic: l.topic },
        l.partitions.reduce((sum, p) => sum + p.lag, 0),
      );
  });
  return registry;
}
