// A plausible wrong answer to exercise 02-1 (the tests check that its check fails on it): the
// reference solution judging the rate at fromMs, where the wait started, instead of at the candidate's
// own time: a gap that crosses into or out of the peak is thinned at the wrong rate.
import { rateMultiplier } from '../../lib/generator/arrivals.ts';
import { type Rng, exponential } from '../../lib/random.ts';

export function nextArrival(rng: Rng, fromMs: number, lambdaPerS: number, peakFactor: number): number {
  const maxRate = lambdaPerS * peakFactor;
  let t = fromMs;
  for (;;) {
    // candidates at the peak rate, each after the last one (kept or not): a Poisson process at maxRate
    t += exponential(rng, maxRate) * 1000;
    // (wrong) keep it with probability rate / maxRate, rate judged where the wait started
    if (rng() < rateMultiplier(fromMs, peakFactor) / peakFactor) return t;
  }
}
