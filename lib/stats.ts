// Small statistics the labs report: percentiles of a sample, and evenly thinned samples for plots.
import type { Percentiles } from './results/common.ts';

/** Nearest-rank percentiles of `values` (which it does not modify). */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { count: 0, min: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const s = Float64Array.from(values).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    count: s.length,
    min: round(s[0]!),
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    p999: round(at(0.999)),
    max: round(s[s.length - 1]!),
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

/** At most `max` items, evenly spaced through `values` (keeps the shape of a distribution or series). */
export function thin<T>(values: readonly T[], max: number): T[] {
  if (values.length <= max) return [...values];
  const step = values.length / max;
  return Array.from({ length: max }, (_, i) => values[Math.floor(i * step)]!);
}
