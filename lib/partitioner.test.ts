import { describe, expect, test } from 'bun:test';
import { murmur2, partitionFor } from './partitioner.ts';

describe('murmur2', () => {
  // the vectors of Kafka's own UtilsTest.testMurmur2
  test.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %p as the Java client does', (key, expected) => {
    expect(murmur2(new TextEncoder().encode(key))).toBe(expected);
  });
});

describe('partitionFor', () => {
  test('always sends a key to the same partition, within range', () => {
    for (let i = 0; i < 1000; i++) {
      const p = partitionFor(`cust_${i}`, 6);
      expect(p).toBe(partitionFor(`cust_${i}`, 6));
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(6);
    }
  });
});
