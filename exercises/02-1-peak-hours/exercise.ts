// Exercise 02-1: the Poisson clock with peak hours, by thinning. Write the part marked TODO; check it with
//   bun run exercise check 02-1-peak-hours
import { todo } from '../../lib/exercises/missing.ts';
import { rateMultiplier } from '../../lib/generator/arrivals.ts';
import { type Rng, exponential } from '../../lib/random.ts';

/**
 * The next arrival strictly after `fromMs` (epoch ms) of a Poisson process whose rate is `lambdaPerS`
 * events per second outside peak hours and `lambdaPerS × peakFactor` from 09:00 to 18:00 UTC:
 * `lambdaPerS × rateMultiplier(t, peakFactor)` at time t.
 *
 * Sampled exactly by thinning (Lewis & Shedler): candidates arrive at the highest rate the process ever
 * has, `maxRate`; each is kept with probability rate(t) / maxRate, else the next candidate is drawn
 * after it. The draws, in this order, so that a seed replays exactly: for each candidate, first the gap,
 * `exponential(rng, maxRate)` seconds, then one `rng()` that decides whether it is kept.
 */
export function nextArrival(rng: Rng, fromMs: number, lambdaPerS: number, peakFactor: number): number {
  const maxRate = lambdaPerS * peakFactor;
  // TODO: from fromMs, draw candidates at maxRate; return the first one kept with probability
  // rate(candidate) / maxRate (use rateMultiplier)
  return todo('nextArrival in exercises/02-1-peak-hours/exercise.ts');
}
