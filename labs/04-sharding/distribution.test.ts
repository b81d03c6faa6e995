import { describe, expect, test } from 'bun:test';
import { skew } from './distribution.ts';

describe('skew', () => {
  test('is the largest partition over the mean: 1 when even', () => {
    expect(skew([{ rows: 10 }, { rows: 10 }])).toBe(1);
    expect(
      skew([
        { rows: 86 },
        { rows: 167 },
        { rows: 120 },
        { rows: 146 },
        { rows: 86 },
        { rows: 102 },
        { rows: 102 },
        { rows: 191 },
      ]),
    ).toBeCloseTo(1.528, 3);
    expect(skew([])).toBe(0);
  });
});
