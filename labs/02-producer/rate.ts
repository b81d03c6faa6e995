// The rate the live stream should achieve: the base rate, × PEAK_FACTOR during peak hours, averaged
// over the time the stream ran. Pure.
import { isPeakHour } from '../../lib/generator/index.ts';

/** The base `rate` × `peakFactor` in peak hours, averaged over [fromMs, toMs). */
export function targetRate(rate: number, peakFactor: number, fromMs: number, toMs: number): number {
  const steps = 100;
  let sum = 0;
  for (let i = 0; i < steps; i++) sum += isPeakHour(fromMs + ((toMs - fromMs) * (i + 0.5)) / steps) ? peakFactor : 1;
  return (rate * sum) / steps;
}
