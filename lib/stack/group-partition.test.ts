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
  test('is the absolute hash (sign bit masked, as Utils.abs) modulo the partition count', () => {
    expect(groupPartition('hello', 50)).toBe(99162322 % 50);
    // Integer.MIN_VALUE masks to 0
    expect(groupPartition('polygenelubricants', 50)).toBe(0);
  });
});

describe('groupIdsCovering', () => {
  test('gives one group id held by each partition', () => {
    const ids = groupIdsCovering(50);
    expect(ids).toHaveLength(50);
    ids.forEach((id, p) => expect(groupPartition(id, 50)).toBe(p));
    expect(new Set(ids).size).toBe(50);
  });
  test('refuses a partition count that is not a positive integer', () => {
    expect(() => groupIdsCovering(0)).toThrow('positive integer');
    expect(() => groupIdsCovering(2.5)).toThrow('positive integer');
  });
});
