// A generated stream's rate, as every lab shows it. The generator sends the base rate × PEAK_FACTOR during
// peak hours of event time (PEAK_START_HOUR–PEAK_END_HOUR UTC, arrivals.ts), the base rate outside
// them. A stream in real time covers the wall-clock span it runs; one in time-lapse (lab 05) covers
// `speed` times more event time, so a 40 s run spans 20 minutes, in peak hours, outside them, or across
// the boundary. Pure.
import { isPeakHour, PEAK_END_HOUR, PEAK_START_HOUR } from './arrivals.ts';

/** The share of event time [fromMs, toMs) within peak hours, from the midpoints of 200 equal steps. */
export function peakShare(fromMs: number, toMs: number): number {
  const steps = 200;
  let peak = 0;
  for (let i = 0; i < steps; i++) if (isPeakHour(fromMs + ((toMs - fromMs) * (i + 0.5)) / steps)) peak++;
  return peak / steps;
}

export type StreamRatePlan = {
  /** events per second outside peak hours (--rate) */
  base_per_s: number;
  peak_factor: number;
  /** the share of the stream's event time in peak hours (0 … 1) */
  peak_share: number;
  peak_hours_utc: [number, number];
  /** events per wall-clock second the generator aims at: base × (1 + (peak factor − 1) × peak share) */
  target_per_s: number;
};

/** The rate over the stream's event time [fromMs, toMs). */
export function streamRate(o: { base: number; peakFactor: number; fromMs: number; toMs: number }): StreamRatePlan {
  const share = peakShare(o.fromMs, o.toMs);
  return {
    base_per_s: o.base,
    peak_factor: o.peakFactor,
    peak_share: share,
    peak_hours_utc: [PEAK_START_HOUR, PEAK_END_HOUR],
    target_per_s: o.base * (1 + (o.peakFactor - 1) * share),
  };
}

const perS = (x: number) => `${Number(x.toPrecision(4)).toLocaleString('en-US')}/s`;

/**
 * "base 200/s × PEAK_FACTOR 2.5 (in peak hours, 09–18 UTC) = effective target 500/s", then
 * "; achieved 497/s" when given what the stream achieved.
 */
export function describeRate(r: StreamRatePlan, achieved?: number): string {
  const hours = `${r.peak_hours_utc.map((h) => String(h).padStart(2, '0')).join('–')} UTC`;
  const base = `base ${perS(r.base_per_s)}`;
  const target = `effective target ${perS(r.target_per_s)}`;
  const plan =
    r.peak_factor === 1
      ? `${base} (PEAK_FACTOR 1: no peak) = ${target}`
      : r.peak_share === 0
        ? `${base}, off-peak (× PEAK_FACTOR ${r.peak_factor} only ${hours}) = ${target}`
        : r.peak_share === 1
          ? `${base} × PEAK_FACTOR ${r.peak_factor} (in peak hours, ${hours}) = ${target}`
          : `${base} × PEAK_FACTOR ${r.peak_factor} for the ${Math.round(r.peak_share * 100)} % of the run` +
            ` in peak hours (${hours}) = ${target} on average`;
  return achieved === undefined ? plan : `${plan}; achieved ${perS(achieved)}`;
}
