// Exercise 01-2: a key that avoids a hot partition. Write the part marked TODO; check it with
//   bun run exercise check 01-2-hot-partition
import { todo } from '../../lib/exercises/missing.ts';
import type { Transaction } from '../../lib/schema.ts';

/**
 * The Kafka key to produce each transaction of a merchant-heavy stream with, to a topic of `partitions`
 * partitions that a per-merchant aggregation reads. `sample` is the stream's recent history (what a
 * producer knows before it starts): decide from it which merchants are too big for one partition.
 *
 * The key must keep
 * - every merchant with less than 5 % of the stream whole, on one partition (its aggregate needs no merge),
 * - every (merchant, customer) pair on one partition (a customer's events at a merchant stay in order),
 * and no partition may hold more than 1.2 × the mean (the slowest consumer sets the pace of all).
 */
export function keyFunction(sample: readonly Transaction[], partitions: number): (e: Transaction) => string {
  // TODO: count each merchant's share of `sample`, pick the merchants too big for one partition, and
  // return a key function: the merchant alone for the others, something that spreads the big ones
  return todo('keyFunction in exercises/01-2-hot-partition/exercise.ts');
}
