import { describe, expect, test } from 'bun:test';
import { seededRng } from '../../lib/random.ts';
import { busiestByChance, keysBand } from './chance.ts';

describe('keys per partition by chance', () => {
  test('is Binomial(n, 1/P): 200 keys on 6 partitions average 33.3 with sd 5.27', () => {
    const b = keysBand(200, 6);
    expect(b.mean).toBeCloseTo(33.333, 3);
    expect(b.sd).toBeCloseTo(Math.sqrt(200 * (1 / 6) * (5 / 6)), 9);
    expect({ low: b.low, high: b.high }).toEqual({ low: b.mean - 2 * b.sd, high: b.mean + 2 * b.sd });
  });

  test('cuts the band at 0 when there are few keys', () => {
    expect(keysBand(3, 6).low).toBe(0);
  });

  test('one partition takes every key, with no spread', () => {
    expect(keysBand(50, 1)).toEqual({ mean: 50, sd: 0, low: 50, high: 50 });
  });
});

describe('the busiest partition by chance', () => {
  test('counts every trial once, and its busiest partition holds at least the mean', () => {
    const r = busiestByChance(200, 6, 42, 500, seededRng(7));
    expect(r.trials).toBe(500);
    expect(r.counts.reduce((s, c) => s + c.trials, 0)).toBe(500);
    expect(Math.min(...r.counts.map((c) => c.maxKeys))).toBeGreaterThanOrEqual(34);
    expect(r.skewP50).toBeGreaterThan(1);
    expect(r.skewP95).toBeGreaterThanOrEqual(r.skewP50);
  });

  test('when the run is as even as can be, every placement is at least as uneven', () => {
    expect(busiestByChance(60, 6, 10, 200).atLeastObserved).toBe(1);
  });

  test('when the run put every key on one partition, no random placement matches it', () => {
    expect(busiestByChance(60, 6, 60, 200).atLeastObserved).toBe(0);
  });

  test('is the same for the same seed', () => {
    expect(busiestByChance(100, 4, 30, 100, seededRng(3))).toEqual(busiestByChance(100, 4, 30, 100, seededRng(3)));
  });
});
