// What a window keeps about its events: counts and sums of money in minor units, exact integers.
// Incremental (one event at a time, O(1) state) and mergeable (two partial aggregates of the same
// window, e.g. from two partitions, add up to the aggregate of both), so state never holds events.
import type { Transaction } from '../schema.ts';

export type Aggregate = {
  count: number;
  /** sum of `amount` over every event, minor units */
  sum: number;
  min: number;
  max: number;
  approvedCount: number;
  approvedSum: number;
  declinedCount: number;
  declinedSum: number;
};

/** every field of an aggregate, in a fixed order: what exact comparisons go through */
export const AGGREGATE_FIELDS = [
  'count',
  'sum',
  'min',
  'max',
  'approvedCount',
  'approvedSum',
  'declinedCount',
  'declinedSum',
] as const satisfies readonly (keyof Aggregate)[];

export type Counted = Pick<Transaction, 'amount' | 'status'>;

export const emptyAggregate = (): Aggregate => ({
  count: 0,
  sum: 0,
  min: Number.POSITIVE_INFINITY,
  max: Number.NEGATIVE_INFINITY,
  approvedCount: 0,
  approvedSum: 0,
  declinedCount: 0,
  declinedSum: 0,
});

/** Adds one event in place. Sums stay exact: past 2^53 − 1 minor units it throws instead of rounding. */
export function addEvent(a: Aggregate, e: Counted): Aggregate {
  a.count++;
  a.sum = exact(a.sum + e.amount);
  if (e.amount < a.min) a.min = e.amount;
  if (e.amount > a.max) a.max = e.amount;
  if (e.status === 'approved') {
    a.approvedCount++;
    a.approvedSum = exact(a.approvedSum + e.amount);
  } else {
    a.declinedCount++;
    a.declinedSum = exact(a.declinedSum + e.amount);
  }
  return a;
}

/** Adds `b` into `a` in place (the aggregate of both sets of events). */
export function mergeAggregate(a: Aggregate, b: Aggregate): Aggregate {
  a.count += b.count;
  a.sum = exact(a.sum + b.sum);
  a.min = Math.min(a.min, b.min);
  a.max = Math.max(a.max, b.max);
  a.approvedCount += b.approvedCount;
  a.approvedSum = exact(a.approvedSum + b.approvedSum);
  a.declinedCount += b.declinedCount;
  a.declinedSum = exact(a.declinedSum + b.declinedSum);
  return a;
}

function exact(n: number): number {
  if (!Number.isSafeInteger(n))
    throw new Error(`windows: a sum of ${n} minor units is past what a double holds exactly`);
  return n;
}
