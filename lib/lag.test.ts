import { describe, expect, test } from 'bun:test';
import { computeLag, totalLag } from './lag.ts';

describe('consumer lag', () => {
  test('is the end offset minus the committed offset, per partition', () => {
    const lags = computeLag(
      [
        { partition: 1, high: '500', low: '0' },
        { partition: 0, high: '1000', low: '0' },
      ],
      [
        { partition: 0, offset: '400' },
        { partition: 1, offset: '500' },
      ],
    );
    expect(lags).toEqual([
      { partition: 0, end: 1000, committed: 400, lag: 600 },
      { partition: 1, end: 500, committed: 500, lag: 0 },
    ]);
    expect(totalLag(lags)).toBe(600);
  });

  test('counts from the earliest retained offset when the group has committed nothing', () => {
    expect(computeLag([{ partition: 0, high: '900', low: '100' }], [{ partition: 0, offset: '-1' }])).toEqual([
      { partition: 0, end: 900, committed: 100, lag: 800 },
    ]);
  });
});
