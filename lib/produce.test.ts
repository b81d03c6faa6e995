import { describe, expect, test } from 'bun:test';
import { transaction } from './fixtures/transaction.ts';
import type { Scheduled } from './generator/index.ts';
import { partitionFor } from './partitioner.ts';
import { chunksByPartition } from './produce.ts';

const scheduled = (customer: string, timeMs: number): Scheduled => ({
  event: transaction({ customer_id: customer, transaction_id: crypto.randomUUID() }),
  label: null,
  timeMs,
});

describe('chunking a backfill for one send() per partition', () => {
  const events = Array.from({ length: 40 }, (_, i) => scheduled(`cust_${i % 11}`, i));
  const chunks = chunksByPartition(events, 3, 5);
  const partitionOf = (s: Scheduled) => partitionFor(s.event.customer_id, 3);

  test('every chunk holds one partition’s events, at most `size` of them', () => {
    expect(chunks.every((c) => c.length <= 5 && new Set(c.map(partitionOf)).size === 1)).toBe(true);
  });

  test('every event goes out once, each partition’s in time order', () => {
    const sent = chunks.flat();
    expect(new Set(sent.map((s) => s.event.transaction_id)).size).toBe(events.length);
    for (const p of [0, 1, 2]) {
      const times = sent.filter((s) => partitionOf(s) === p).map((s) => s.timeMs);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });

  test('the partitions take turns', () => {
    expect(
      chunks
        .slice(0, 3)
        .map((c) => partitionOf(c[0]!))
        .sort(),
    ).toEqual([0, 1, 2]);
  });
});
