// Every topic the pipeline uses, with its partitions and settings, derived from config. Lab 01
// creates them; every other lab ensures them, so each lab runs alone.
import type { Config } from './config.ts';

export type TopicSpec = {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configEntries: { name: string; value: string }[];
  purpose: string;
};

const DAY_MS = 86_400_000;

export function topicSpecs(c: Config): TopicSpec[] {
  const rf = c.replicationFactor;
  const spec = (topic: string, numPartitions: number, retentionDays: number, purpose: string): TopicSpec => ({
    topic,
    numPartitions,
    replicationFactor: rf,
    configEntries: [
      { name: 'retention.ms', value: String(retentionDays * DAY_MS) },
      { name: 'cleanup.policy', value: 'delete' },
      // with replicas, acks=all must reach at least two of them; on one broker that is impossible
      { name: 'min.insync.replicas', value: String(Math.min(2, rf)) },
    ],
    purpose,
  });
  const p = c.transactionsPartitions;
  return [
    spec(c.topics.transactions, p, 7, 'every transaction, keyed by customer_id'),
    spec(c.topics.labels, p, 7, "the generator's fraud ground truth, beside the events, keyed by customer_id"),
    spec(c.topics.dlq, 1, 30, 'messages a consumer could not accept, with the reason in headers'),
    spec(c.topics.aggregates, p, 7, 'final event-time window results per category, merchant and customer'),
    spec(c.topics.anomalies, p, 7, 'windows that look anomalous, with the reason'),
    spec(c.topics.late, p, 7, 'events a window closed without (too late), with their lateness'),
    spec(c.topics.verdicts, p, 30, 'fraud review verdicts, keyed by transaction_id'),
  ];
}
