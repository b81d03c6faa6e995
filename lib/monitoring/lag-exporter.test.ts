import { describe, expect, test } from 'bun:test';
import { type LagSnapshot, lagRegistry } from './lag-exporter.ts';

/** One group halfway through partition 0 of a 2-partition topic, never on partition 1. */
const snapshot: LagSnapshot = {
  brokers: 1,
  topics: [
    {
      topic: 'payments',
      partitions: [
        { partition: 0, high: 10, low: 0 },
        { partition: 1, high: 4, low: 0 },
      ],
    },
  ],
  groups: [
    {
      group: 'sink',
      topic: 'payments',
      partitions: [
        { partition: 0, end: 10, committed: 5, lag: 5 },
        { partition: 1, end: 4, committed: 0, lag: 4 },
      ],
    },
  ],
};

const samples = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));

describe('lagRegistry', () => {
  test('serves the snapshot under kafka_exporter’s names and labels', async () => {
    expect(samples(await lagRegistry(() => snapshot).metrics())).toEqual([
      'kafka_brokers 1',
      'kafka_topic_partitions{topic="payments"} 2',
      'kafka_topic_partition_current_offset{topic="payments",partition="0"} 10',
      'kafka_topic_partition_current_offset{topic="payments",partition="1"} 4',
      'kafka_topic_partition_oldest_offset{topic="payments",partition="0"} 0',
      'kafka_topic_partition_oldest_offset{topic="payments",partition="1"} 0',
      'kafka_consumergroup_current_offset{consumergroup="sink",topic="payments",partition="0"} 5',
      'kafka_consumergroup_current_offset{consumergroup="sink",topic="payments",partition="1"} 0',
      'kafka_consumergroup_lag{consumergroup="sink",topic="payments",partition="0"} 5',
      'kafka_consumergroup_lag{consumergroup="sink",topic="payments",partition="1"} 4',
      'kafka_consumergroup_current_offset_sum{consumergroup="sink",topic="payments"} 5',
      'kafka_consumergroup_lag_sum{consumergroup="sink",topic="payments"} 9',
    ]);
  });

  test('reports no broker and no offsets before the first snapshot (or while Kafka is unreachable)', async () => {
    expect(samples(await lagRegistry(() => undefined).metrics())).toEqual(['kafka_brokers 0']);
  });
});
