// Keyed partitioning, observed on the broker: customer keys produced to a scratch topic and read back,
// each record's partition compared with murmur2(key) mod partitions. Each key's records go in a send()
// of their own: one key is one partition, so no send spans partitions (kafkajs can lose acknowledged
// records of one that does: lib/send.ts), and kafkajs's partitioner, not txlab's, picks the partition,
// so the comparison checks one placement against another. The scratch topic is this run's own and is
// deleted again, whatever happens.
import type { Admin, Kafka } from 'kafkajs';
import { drainTopic } from '../../lib/drain.ts';
import { ensureTopics, waitForTopic, withProducer } from '../../lib/kafka.ts';
import type { Lab01Result } from '../../lib/results/lab01.ts';
import { partitionFor } from '../../lib/partitioner.ts';

const SENDS_IN_FLIGHT = 16;

type Samples = Lab01Result['samples'];
export type KeyPlacement = {
  partitions: number;
  messagesPerKey: number;
  placement: Samples['key_placement'];
  counts: Samples['partition_counts'];
  /** keys whose every record landed on one partition */
  onOne: number;
  /** keys on one partition, the one murmur2 names */
  matching: number;
  /** max/mean records per partition */
  skew: number;
};

export type PlaceKeysOptions = {
  topic: string;
  keys: readonly string[];
  messagesPerKey: number;
  partitions: number;
  replicationFactor: number;
};

/** Produces `messagesPerKey` records per key to a scratch topic and reads back where each went. */
export async function placeKeys(kafka: Kafka, admin: Admin, o: PlaceKeysOptions): Promise<KeyPlacement> {
  await ensureTopics(admin, [{ topic: o.topic, numPartitions: o.partitions, replicationFactor: o.replicationFactor }]);
  try {
    await waitForTopic(admin, o.topic);
    await withProducer(kafka, async (producer) => {
      let next = 0;
      const sender = async () => {
        for (let i = next++; i < o.keys.length; i = next++) {
          const key = o.keys[i]!;
          const messages = Array.from({ length: o.messagesPerKey }, (_, n) => ({
            key,
            value: JSON.stringify({ key, n }),
          }));
          await producer.send({ topic: o.topic, acks: -1, messages });
        }
      };
      await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, sender));
    });
    const seen = new Map<string, number[]>();
    await drainTopic(kafka, o.topic, o.keys.length * o.messagesPerKey, (m, partition) => {
      const key = m.key?.toString() ?? '';
      seen.set(key, [...(seen.get(key) ?? []), partition]);
    });
    return placement(o.keys, seen, o.partitions, o.messagesPerKey);
  } finally {
    await admin
      .deleteTopics({ topics: [o.topic] })
      .catch((e) => console.warn(`lab 01: could not delete ${o.topic}: ${(e as Error).message}`));
  }
}

/** Where each key's records landed (`seen`: key → the partition of each record), per key and per partition. Pure. */
export function placement(
  keys: readonly string[],
  seen: ReadonlyMap<string, number[]>,
  partitions: number,
  messagesPerKey: number,
): KeyPlacement {
  const placement = keys.map((key) => {
    const on = seen.get(key) ?? [];
    return {
      key,
      partitions: [...new Set(on)].sort((a, b) => a - b),
      expected_partition: partitionFor(key, partitions),
      messages: on.length,
    };
  });
  const counts = Array.from({ length: partitions }, (_, p) => ({
    partition: p,
    keys: placement.filter((k) => k.partitions.includes(p)).length,
    messages: placement.reduce((s, k) => s + (seen.get(k.key) ?? []).filter((x) => x === p).length, 0),
  }));
  const mean = counts.reduce((s, x) => s + x.messages, 0) / partitions;
  return {
    partitions,
    messagesPerKey,
    placement,
    counts,
    onOne: placement.filter((k) => k.partitions.length === 1).length,
    matching: placement.filter((k) => k.partitions.length === 1 && k.partitions[0] === k.expected_partition).length,
    skew: Math.max(...counts.map((x) => x.messages)) / mean,
  };
}
