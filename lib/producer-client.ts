// The two clients a lab can produce with (`--client`, labs 02 and 03): kafkajs, one send() per partition
// (lib/produce.ts, lib/send.ts), or librdkafka through bun:ffi (lib/rdkafka/). Same records, keys,
// partitions, event times and settings (idempotent, acks=all), and the same delivery reports in DeliveryStats.
import type { Kafka, Producer } from 'kafkajs';
import type { Scheduled } from './generator/index.ts';
import { createProducer } from './kafka.ts';
import { type DeliveryStats, type LiveOptions, type Topics, produceAll, produceLive } from './produce.ts';
import { RdkafkaDelivery, produceAllRdkafka, produceLiveRdkafka } from './rdkafka/produce-all.ts';
import { RdkafkaProducer } from './rdkafka/producer.ts';
import { PartitionCounts } from './send.ts';

export const CLIENTS = ['kafkajs', 'librdkafka'] as const;
export type ClientName = (typeof CLIENTS)[number];

export interface Client {
  /** e.g. "kafkajs 2.2.4: one send() per partition" */
  describe: string;
  backfill(
    events: readonly Scheduled[],
    stats: DeliveryStats,
    opts: { signal?: AbortSignal; onProgress?: () => void },
  ): Promise<Scheduled[]>;
  live(stream: Iterator<Scheduled>, stats: DeliveryStats, opts: LiveOptions): Promise<Scheduled[]>;
  /** flushes what is in flight */
  close(): Promise<void>;
}

/**
 * Opens `name`'s client for `topics`. With `kafkajs`, a connected producer the caller already has is used
 * as is (`close()` then leaves it to its owner); otherwise a new one is connected.
 */
export async function openClient(
  name: ClientName,
  kafka: Kafka,
  topics: Topics,
  o: { brokers: string[]; clientId: string; kafkajsProducer?: Producer },
): Promise<Client> {
  const { brokers, clientId } = o;
  const counts = new PartitionCounts(kafka);
  if (name === 'kafkajs') {
    const producer = o.kafkajsProducer ?? createProducer(kafka);
    if (!o.kafkajsProducer) await producer.connect();
    return {
      describe: 'kafkajs: one send() per partition, acks=all, idempotent',
      backfill: (events, stats, opts) => produceAll(producer, counts, topics, events, stats, opts),
      live: (stream, stats, opts) => produceLive(producer, counts, topics, stream, stats, opts),
      close: async () => {
        if (!o.kafkajsProducer) await producer.disconnect();
      },
    };
  }
  const partitions = { transactions: await counts.of(topics.transactions), labels: await counts.of(topics.labels) };
  // a producer per phase: each phase's reports go to its own stats, and it is closed (flushed) when its phase ends
  const delivery = (stats: DeliveryStats) => new RdkafkaDelivery(topics, partitions, stats, { brokers, clientId });
  const closing = async <T>(d: RdkafkaDelivery, run: Promise<T>): Promise<T> => {
    try {
      return await run;
    } finally {
      await d.producer.close();
    }
  };
  return {
    describe: `librdkafka ${RdkafkaProducer.version()} through bun:ffi: a report per record, acks=all, idempotent`,
    backfill: async (events, stats, opts) => {
      const d = delivery(stats);
      const progress = opts.onProgress && setInterval(opts.onProgress, 250);
      try {
        return await closing(d, produceAllRdkafka(d, events, opts));
      } finally {
        if (progress) clearInterval(progress);
        opts.onProgress?.();
      }
    },
    live: (stream, stats, opts) => {
      const d = delivery(stats);
      return closing(d, produceLiveRdkafka(d, stream, opts));
    },
    close: async () => {},
  };
}
