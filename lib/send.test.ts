import { describe, expect, test } from 'bun:test';
import { byPartition, place } from './send.ts';
import { partitionFor } from './partitioner.ts';

describe('placing records on partitions before a send', () => {
  test('a keyed record goes where Kafka’s default partitioner puts it', () => {
    const placed = place(
      [
        { key: 'cust_1', value: 'a' },
        { key: 'cust_2', value: 'b' },
      ],
      6,
    );
    expect(placed.map((m) => m.partition)).toEqual([partitionFor('cust_1', 6), partitionFor('cust_2', 6)]);
  });

  test('a record that names its partition keeps it; records without a key go round robin', () => {
    const placed = place(
      [
        { key: 'cust_1', value: 'a', partition: 5 },
        { key: null, value: 'b' },
        { key: null, value: 'c' },
      ],
      3,
      1,
    );
    expect(placed.map((m) => m.partition)).toEqual([5, 1, 2]);
  });

  test('each partition’s records stay in the order they were given', () => {
    const groups = byPartition(
      place(
        ['a', 'b', 'c', 'd'].map((v) => ({ key: 'cust_9', value: v })),
        4,
      ),
      (m) => m.partition,
    );
    expect([...groups.values()].map((g) => g.map((m) => m.value))).toEqual([['a', 'b', 'c', 'd']]);
  });
});
