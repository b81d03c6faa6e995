// Exercise 09-1: how many consumers for a rate, chosen from what a sweep measured. Write the part marked
// TODO; check it with
//   bun run exercise check 09-1-consumers-for-a-rate
import { todo } from '../../lib/exercises/missing.ts';

/** One point of lab 09's sweep: a backlog in a topic of `partitions`, drained by `consumers` processes of one group. */
export type Measured = { partitions: number; consumers: number; records_per_s: number };

/** What to run: a topic of `partitions`, read by a group of `consumers` processes. */
export type Choice = { partitions: number; consumers: number };

/**
 * The configuration to run for `target` records/s: the cheapest measured point whose rate met it
 * (`records_per_s >= target`). Cheapest: the fewest consumers (each is a process to run), then the
 * fewest partitions. A point with more consumers than partitions does not count: a partition is read by
 * one member of a group at most, so the extra member held nothing, and its rate is the others'. When no
 * point meets the target: null.
 */
export function plan(points: readonly Measured[], target: number): Choice | null {
  // TODO: keep the points that meet the target with no idle consumer; return the one with the fewest
  // consumers, then the fewest partitions, as { partitions, consumers }; null if none is left
  return todo('plan in exercises/09-1-consumers-for-a-rate/exercise.ts');
}
