// Lab 08's series as the notebook plots them: Prometheus's points on the run's clock (seconds from the
// start of the live stream), one series per panel, and the alert's pending → firing → resolved times
// read from its ALERTS points. Pure.
import type { Series } from './prometheus.ts';

export type Point = { t_s: number; value: number };
export type AlertPoint = { t_s: number; state: 'pending' | 'firing' };

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

/** The points of the series that `pick` accepts, added up per timestamp, on the run's clock. */
export function onClock(
  series: readonly Series[],
  t0Ms: number,
  pick: (labels: Record<string, string>) => boolean = () => true,
): Point[] {
  const sums = new Map<number, number>();
  for (const s of series) if (pick(s.labels)) for (const [t, v] of s.points) sums.set(t, (sums.get(t) ?? 0) + v);
  return [...sums].sort(([a], [b]) => a - b).map(([t, v]) => ({ t_s: round(t - t0Ms / 1000), value: round(v, 6) }));
}

export function alertPoints(series: readonly Series[], t0Ms: number): AlertPoint[] {
  return series
    .flatMap((s): AlertPoint[] => {
      const state = s.labels.alertstate;
      if (state !== 'pending' && state !== 'firing') return [];
      return onClock([s], t0Ms).map((p) => ({ t_s: p.t_s, state }));
    })
    .sort((a, b) => a.t_s - b.t_s);
}

export type AlertTimeline = { pending_at_s: number | null; firing_at_s: number | null; resolved_at_s: number | null };

/** First pending, first firing, and the first step after the last active point (if the series ended before `endS`). */
export function alertTimeline(points: readonly AlertPoint[], stepS: number, endS: number): AlertTimeline {
  const first = (state: AlertPoint['state']) => points.find((p) => p.state === state)?.t_s ?? null;
  const last = points.at(-1)?.t_s;
  const resolved = last !== undefined && last + stepS <= endS ? round(last + stepS) : null;
  return { pending_at_s: first('pending'), firing_at_s: first('firing'), resolved_at_s: resolved };
}

export const peak = (points: readonly Point[]) =>
  points.reduce<Point | null>((m, p) => (m && m.value >= p.value ? m : p), null);
