import { describe, expect, test } from 'bun:test';
import { type RatePoint, addSample } from './rate-series.ts';

describe('stored rows per second', () => {
  const series = (samples: [number, number][], minSeconds?: number) =>
    samples.reduce<RatePoint[]>((s, [t, n]) => addSample(s, t, n, minSeconds), []);

  test('are the count gained over the interval since the previous point', () => {
    expect(
      series([
        [1, 700],
        [2, 1400],
        [3.5, 2000],
      ]),
    ).toEqual([
      { t_s: 1, count: 700, per_s: 700 },
      { t_s: 2, count: 1400, per_s: 700 },
      { t_s: 3.5, count: 2000, per_s: 400 },
    ]);
  });

  describe('when a sample comes too soon after the last point (a closing sample just after a regular one)', () => {
    test('replaces that point, its rate taken over the whole stretched interval instead of the sliver', () => {
      // 800 rows landing in the 0.1 s between the last regular sample and the closing one: 8,000/s as a point of its own
      expect(
        series([
          [1, 700],
          [2, 1400],
          [2.1, 2200],
        ]),
      ).toEqual([
        { t_s: 1, count: 700, per_s: 700 },
        { t_s: 2.1, count: 2200, per_s: 1500 / 1.1 },
      ]);
    });
  });

  test('start from zero at time zero, and a sample at the same instant as the start gives no rate', () => {
    expect(series([[0, 0]], 0)).toEqual([{ t_s: 0, count: 0, per_s: 0 }]);
  });
});
