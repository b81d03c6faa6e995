// The seed's dashboard questions as parameterised runs of the named queries in sql/queries.sql:
// which query, with which parameters on the i-th repetition. Windows are whole minutes or hours
// anchored on the newest stored event, so a raw query and its aggregate twin cover the same events,
// and a rerun of lab 04 on the same data asks the same questions. Lab 04 times them; queries.test.ts
// checks each answers alike every way. Pure.
import { sqlDatetime } from './literals.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;

export const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;

/** [from, to) as DATETIME text: the 5 whole minutes before the anchor's minute. */
export function lastFiveMinutes(anchorMs: number): [string, string] {
  const to = floorTo(anchorMs, MINUTE);
  return [sqlDatetime(to - 5 * MINUTE), sqlDatetime(to)];
}

/** [from, to) as DATETIME text: the 24 whole hours before the anchor's hour. */
export function lastDay(anchorMs: number): [string, string] {
  const to = floorTo(anchorMs, HOUR);
  return [sqlDatetime(to - 24 * HOUR), sqlDatetime(to)];
}

export type QueryRun = { query: string; question: string; params: (i: number) => unknown[] };

/** A large amount, in minor units, for the risk desk's list (the generator's amounts rarely reach it). */
export const LARGE_AMOUNT = 3_000_000;

/** The seed's questions; `customers` are ids to look up in turn (a different customer each repetition). */
export function dashboardQueries(anchorMs: number, customers: readonly string[]): QueryRun[] {
  if (customers.length === 0) throw new Error('workload: need at least one customer id');
  return [
    {
      query: 'customer_recent',
      question: "a customer's recent transactions",
      params: (i) => [customers[i % customers.length]],
    },
    { query: 'totals_5_min', question: 'last-5-minutes totals', params: () => lastFiveMinutes(anchorMs) },
    {
      query: 'category_hourly_revenue',
      question: 'revenue per category per hour (24 h)',
      params: () => lastDay(anchorMs),
    },
    { query: 'top_merchants', question: 'top 10 merchants (24 h)', params: () => lastDay(anchorMs) },
    { query: 'large_transactions', question: 'largest transactions', params: () => [LARGE_AMOUNT] },
  ];
}
