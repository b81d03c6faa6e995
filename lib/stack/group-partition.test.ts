import { describe, expect, test } from 'bun:test';
import { groupIdsCovering, groupPartition, javaStringHash } from './group-partition.ts';

describe('javaStringHash', () => {
  test("matches Java's String.hashCode, overflow included", () => {
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('a')).toBe(97);
    expect(javaStringHash('hello')).toBe(99162322);
    // "Aa" and "BB" collide in Java
    expect(javaStringHash('Aa')).toBe(javaStringHash('BB'));
    // wraps past 2^31, as Java's int does
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
  });
});

describe('groupPartition', () => {
  test("is Kafka's Utils.abs of the hash modulo the partition count", () => {
    expect(groupPartition('hello', 50)).toBe(99162322 % 50);
    // a negative hash: its absolute value (22), not the hash with its sign bit masked (26)
    expect(javaStringHash('consumer')).toBe(-567770122);
    expect(groupPartition('consumer', 50)).toBe(22);
    // Integer.MIN_VALUE has no absolute value: Utils.abs makes it 0
    expect(groupPartition('polygenelubricants', 50)).toBe(0);
  });
});

describe('groupIdsCovering', () => {
  test.each([1, 7, 50, 53, 200])('gives one group id held by each of %i partitions', (n) => {
    const ids = groupIdsCovering(n);
    expect(ids).toHaveLength(n);
    ids.forEach((id, p) => expect(groupPartition(id, n)).toBe(p));
    expect(new Set(ids).size).toBe(n);
  });
  test('refuses a partition count that is not a positive integer', () => {
    expect(() => groupIdsCovering(0)).toThrow('positive integer');
    expect(() => groupIdsCovering(2.5)).toThrow('positive integer');
  });
});
