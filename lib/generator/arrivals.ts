// When events happen: a non-homogeneous Poisson process whose rate is λ outside peak hours and
// λ × PEAK_FACTOR from 09:00 to 18:00 UTC (seed 004's schedule). Sampled exactly by thinning
// (Lewis & Shedler): draw at the peak rate, keep a candidate with probability rate(t) / peak rate.
import { type Rng, exponential, uniform } from '../random.ts';

export const PEAK_START_HOUR = 9;
export const PEAK_END_HOUR = 18;

export const isPeakHour = (timeMs: number) => {
  const h = new Date(timeMs).getUTCHours();
  return h >= PEAK_START_HOUR && h < PEAK_END_HOUR;
};

export const rateMultiplier = (timeMs: number, peakFactor: number) => (isPeakHour(timeMs) ? peakFactor : 1);

/** The next arrival strictly after `fromMs`, for base rate `lambdaPerS` events per second. */
export function nextArrival(rng: Rng, fromMs: number, lambdaPerS: number, peakFactor: number): number {
  const maxRate = lambdaPerS * peakFactor;
  let t = fromMs;
  for (;;) {
    t += exponential(rng, maxRate) * 1000;
    if (rng() * peakFactor < rateMultiplier(t, peakFactor)) return t;
  }
}

/**
 * One arrival time in [fromMs, toMs) drawn from the density ∝ rate(t). Given that n events of the
 * process fell in a window, their times are n such independent draws: this is how the backfill puts
 * exactly BACKFILL_EVENTS events into the last 7 days and still shows the daily peak.
 */
export function arrivalWithin(rng: Rng, fromMs: number, toMs: number, peakFactor: number): number {
  for (;;) {
    const t = uniform(rng, fromMs, toMs);
    if (rng() * peakFactor < rateMultiplier(t, peakFactor)) return t;
  }
}
