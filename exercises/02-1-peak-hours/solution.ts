// Reference solution of exercise 02-1 (read it after trying: `bun run exercise solution 02-1-peak-hours`).
import { rateMultiplier } from '../../lib/generator/arrivals.ts';
import { type Rng, exponential } from '../../lib/random.ts';

export function nextArrival(rng: Rng, fromMs: number, lambdaPerS: number, peakFactor: number): number {
  const maxRate = lambdaPerS * peakFactor;
  let t = fromMs;
  for (;;) {
    // candidates at the peak rate, each after the last one (kept or not): a Poisson process at maxRate
    t += exponential(rng, maxRate) * 1000;
    // keep it with probability rate(t) / maxRate, rate judged at the candidate's own time
    if (rng() < rateMultiplier(t, peakFactor) / peakFactor) return t;
  }
}
