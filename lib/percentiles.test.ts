import { expect, test } from 'bun:test';
import { percentiles, thin } from './percentiles.ts';

test('percentiles use the nearest rank', () => {
  const values = Array.from({ length: 1000 }, (_, i) => 1000 - i); // 1000..1
  expect(percentiles(values)).toEqual({
    count: 1000,
    min: 1,
    p50: 500,
    p90: 900,
    p99: 990,
    p999: 999,
    max: 1000,
    mean: 500.5,
  });
  expect(percentiles([]).count).toBe(0);
});

test('thin keeps evenly spaced items', () => {
  expect(thin([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 5)).toEqual([0, 2, 4, 6, 8]);
  expect(thin([1, 2], 5)).toEqual([1, 2]);
});
