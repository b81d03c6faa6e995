// Lab 01's view of the pipeline's topics as the broker reports them: partitions with their leader,
// replicas and in-sync replicas, and the settings the lab shows (retention, cleanup, min.insync).
import type { Admin } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import type { Lab01Result } from '../../lib/results/lab01.ts';

export type TopicDescription = Lab01Result['samples']['topics'][number];

const SHOWN = ['retention.ms', 'cleanup.policy', 'min.insync.replicas'];

export async function describeTopics(
  admin: Admin,
  names: string[],
  created: ReadonlySet<string>,
): Promise<TopicDescription[]> {
  const meta = await admin.fetchTopicMetadata({ topics: names });
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: SHOWN })),
  });
  return meta.topics.map((t) => ({
    name: t.name,
    created: created.has(t.name),
    partitions: t.partitions
      .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
      .sort((a, b) => a.partition - b.partition),
    configs: Object.fromEntries(
      (configs.resources.find((r) => r.resourceName === t.name)?.configEntries ?? []).map((e) => [
        e.configName,
        e.configValue,
      ]),
    ),
  }));
}
