import { describe, expect, test } from 'bun:test';
import { skew } from './distribution.ts';
import { dashboardQueries, lastDay, lastFiveMinutes } from './workload.ts';

describe('query windows', () => {
  const anchor = Date.UTC(2026, 0, 15, 10, 31, 45, 123);

  test('the last 5 whole minutes before the anchor minute, half-open, as DATETIME text', () => {
    expect(lastFiveMinutes(anchor)).toEqual(['2026-01-15 10:26:00.000', '2026-01-15 10:31:00.000']);
  });

  test('the last 24 whole hours before the anchor hour', () => {
    expect(lastDay(anchor)).toEqual(['2026-01-14 10:00:00.000', '2026-01-15 10:00:00.000']);
  });

  test('each repetition of the customer query asks about the next customer', () => {
    const q = dashboardQueries(anchor, ['cust_1', 'cust_2']).find((r) => r.query === 'customer_recent')!;
    expect([0, 1, 2].map((i) => q.params(i))).toEqual([['cust_1'], ['cust_2'], ['cust_1']]);
  });
});

describe('skew', () => {
  test('is the largest partition over the mean: 1 when even', () => {
    expect(skew([{ rows: 10 }, { rows: 10 }])).toBe(1);
    expect(skew([{ rows: 86 }, { rows: 167 }, { rows: 120 }, { rows: 146 }, { rows: 86 }, { rows: 102 }, { rows: 102 }, { rows: 191 }])).toBeCloseTo(1.528, 3);
    expect(skew([])).toBe(0);
  });
});
