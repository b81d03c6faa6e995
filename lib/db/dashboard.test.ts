import { describe, expect, test } from 'bun:test';
import { dashboardQueries, lastDay, lastFiveMinutes } from './dashboard.ts';

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
