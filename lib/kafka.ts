// Kafka clients for the labs: one factory with quiet, readable logging, resource helpers that always
// disconnect, and topic creation that is safe to repeat.
import {
  type Admin,
  type ITopicConfig,
  Kafka,
  type KafkaConfig,
  type LogEntry,
  Partitioners,
  type Producer,
  type ProducerConfig,
  logLevel,
} from 'kafkajs';
import { type Config, config } from './config.ts';
import './kafkajs-warnings.ts';
import { waitFor } from './wait.ts';

// Transient states every client meets right after a broker starts or a leader moves; kafkajs retries them
// itself (refreshing its metadata), and a request that still fails reaches the caller as an error.
const TRANSIENT =
  /coordinator is loading|coordinator is not available|no leader for this topic-partition|not the leader for that topic-partition|not the correct coordinator|Broker not connected|group is rebalancing|another concurrent operation on the same transaction/i;

function logCreator() {
  return ({ namespace, level, log }: LogEntry) => {
    const { message, error } = log as { message: string; error?: string };
    if (level > logLevel.WARN || TRANSIENT.test(`${message} ${error ?? ''}`)) return;
    // retries are bounded on purpose: a send that still fails is counted as failed, never lost silently
    if (message.startsWith('Limiting retries for the idempotent producer')) return;
    console.error(
      `kafka ${level === logLevel.ERROR ? 'error' : 'warning'} [${namespace}] ${message}${error ? `: ${error}` : ''}`,
    );
  };
}

export function createKafka(clientId = 'txlab', c: Config = config(), extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers: c.kafka.brokers,
    logLevel: logLevel.WARN,
    logCreator,
    retry: { initialRetryTime: 200, retries: 10 },
    ...extra,
  });
}

export async function withAdmin<T>(kafka: Kafka, f: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await f(admin);
  } finally {
    await admin.disconnect();
  }
}

/** An idempotent producer (acks=all, no duplicates on retry), keyed records placed as the Java client does. */
export function createProducer(kafka: Kafka, extra: ProducerConfig = {}): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    createPartitioner: Partitioners.DefaultPartitioner,
    ...extra,
  });
}

export async function withProducer<T>(
  kafka: Kafka,
  f: (producer: Producer) => Promise<T>,
  extra: ProducerConfig = {},
): Promise<T> {
  const producer = createProducer(kafka, extra);
  await producer.connect();
  try {
    return await f(producer);
  } finally {
    await producer.disconnect();
  }
}

export type EnsureTopicsResult = {
  created: string[];
  existing: string[];
  grown: { topic: string; from: number; to: number }[];
  warnings: string[];
};

/**
 * Creates missing topics; grows a topic that has fewer partitions than asked (Kafka cannot shrink one:
 * that is reported, not attempted). Safe to run any number of times.
 */
export async function ensureTopics(admin: Admin, specs: ITopicConfig[]): Promise<EnsureTopicsResult> {
  const result: EnsureTopicsResult = { created: [], existing: [], grown: [], warnings: [] };
  const present = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !present.has(s.topic));
  if (missing.length) {
    // not kafkajs's waitForLeaders: it retries only LEADER_NOT_AVAILABLE, and a broker that has just started
    // answers UNKNOWN_TOPIC_OR_PARTITION for a topic it created a moment ago (KRaft propagates new topics to
    // its metadata cache asynchronously), which ended lab 09's ceiling on a fresh stack
    try {
      await admin.createTopics({ topics: missing, waitForLeaders: false });
    } catch (e) {
      // another process (a child of the same lab) created some of them in between: fine if all exist now
      const now = new Set(await admin.listTopics());
      if (!missing.every((s) => now.has(s.topic))) throw e;
    }
    // wait until the broker serves every new topic with a leader for each partition
    for (const s of missing) await waitForTopic(admin, s.topic);
    result.created.push(...missing.map((s) => s.topic));
  }
  const existing = specs.filter((s) => present.has(s.topic));
  if (existing.length === 0) return result;
  const meta = await admin.fetchTopicMetadata({ topics: existing.map((s) => s.topic) });
  for (const spec of existing) {
    result.existing.push(spec.topic);
    const have = meta.topics.find((t) => t.name === spec.topic)?.partitions.length ?? 0;
    const want = spec.numPartitions ?? have;
    if (want > have) {
      await admin.createPartitions({ topicPartitions: [{ topic: spec.topic, count: want }] });
      result.grown.push({ topic: spec.topic, from: have, to: want });
    } else if (want < have) {
      result.warnings.push(
        `topic ${spec.topic} has ${have} partitions, more than the ${want} asked: Kafka cannot remove partitions (delete the topic to start over)`,
      );
    }
  }
  return result;
}

/** Waits until every partition of `topic` has a leader that answers (new topics take a moment in KRaft). */
export async function waitForTopic(admin: Admin, topic: string, timeoutMs = 15_000): Promise<void> {
  let last = '';
  const r = await waitFor(
    async () => {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      const parts = meta.topics[0]?.partitions ?? [];
      last = `${parts.length} partitions, some without a leader`;
      if (parts.length === 0 || parts.some((p) => p.leader < 0)) return false;
      // a leader in the metadata is not yet a leader that serves: a broker that has just started can
      // still answer NOT_LEADER_OR_FOLLOWER to ListOffsets for a partition its metadata says it leads
      last = 'leaders known, offsets not listed yet';
      await admin.fetchTopicOffsets(topic);
      return true;
    },
    { timeoutMs, intervalMs: 100 },
  );
  if (!r.ok)
    throw new Error(
      `topic ${topic} not ready after ${timeoutMs} ms: ${r.reason.includes('last error') ? r.reason : last}`,
    );
}

/**
 * Consumer settings for the pipeline's long-running group members (the sink, the windows process):
 * fetches large enough to fill several database transactions per partition, a short fetch wait so a
 * live event is not held back, and no topic auto-creation.
 */
export const groupConsumerConfig = (groupId: string) => ({
  groupId,
  maxBytesPerPartition: 4 << 20,
  maxBytes: 32 << 20,
  minBytes: 1,
  maxWaitTimeInMs: 100,
  // a member that dies without leaving (SIGKILL, power loss) holds its partitions until this expires
  sessionTimeout: 10_000,
  heartbeatInterval: 1_000,
  allowAutoTopicCreation: false,
});
