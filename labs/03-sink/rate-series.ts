// Lab 03's stored rows per second: the monitor's timeline of a cumulative count, as a series of rates, each
// over an interval long enough to mean something. Pure.

export type RatePoint = { t_s: number; count: number; per_s: number };

/**
 * Adds a sample of a cumulative count (`count` at `t_s` seconds) to a series of per-interval rates.
 * Each point's rate spans the interval since the point before it. A sample less than `minSeconds` after
 * the last point replaces it, that point's interval stretched to the new sample: a rate over a sliver of
 * time (a closing sample taken just after a regular one, or a counter that moves in half-second steps
 * read twice within a few ms) multiplies whatever arrived in it into a spike no second ever had.
 */
export function addSample(series: readonly RatePoint[], t_s: number, count: number, minSeconds = 0.5): RatePoint[] {
  const last = series[series.length - 1];
  const tooSoon = last !== undefined && t_s - last.t_s < minSeconds;
  const kept = tooSoon ? series.slice(0, -1) : series;
  const from = kept[kept.length - 1] ?? { t_s: 0, count: 0 };
  const dt = t_s - from.t_s;
  return [...kept, { t_s, count, per_s: dt > 0 ? (count - from.count) / dt : 0 }];
}
