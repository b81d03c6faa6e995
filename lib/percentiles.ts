// Small statistics the labs report: percentiles and the median of a sample, and evenly thinned
// samples for plots. A leaf: results schemas and domain code both take these from here.

export type Percentiles = {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
};

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

/** The median (the mean of the two middle values of an even count), or undefined for no values. */
export function median(values: readonly number[]): number | undefined {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  if (n === 0) return undefined;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** At most `max` items, evenly spaced through `values` (keeps the shape of a distribution or series). */
export function thin<T>(values: readonly T[], max: number): T[] {
  if (values.length <= max) return [...values];
  const step = values.length / max;
  return Array.from({ length: max }, (_, i) => values[Math.floor(i * step)]!);
}
