// Lab 08's script, in seconds from the start of the live stream: the base rate, a stretch at ×PEAK_LOAD,
// the base rate again; the sink stopped at `stopAtS` for `downS` seconds while the stream goes on, then
// started again with `TAIL_S` seconds of stream left for it to drain the lag. And the live stream itself:
// the generator's Poisson stream at the peak rate, thinned to the rate of the moment. Pure.
import type { Scheduled } from '../../lib/generator/index.ts';
import type { Rng } from '../../lib/random.ts';

export const PEAK_LOAD = 3;
/** seconds of stream after the sink is back */
export const TAIL_S = 10;
/** seconds of stream before the sink stops, at least: base, peak, base again */
export const MIN_LEAD_S = 9;

export type Schedule = {
  durationS: number;
  rate: number;
  peak: { fromS: number; toS: number; rate: number };
  sinkDown: { fromS: number; toS: number };
};

/** The sink stops `TAIL_S + down` before the end; the peak is the middle third of the time before. */
export function schedule(o: { duration: number; down: number; rate: number }): Schedule {
  const stopAt = o.duration - o.down - TAIL_S;
  if (stopAt < MIN_LEAD_S)
    throw new RangeError(
      `--duration ${o.duration} is too short for --down ${o.down}: it needs at least ${o.down + TAIL_S + MIN_LEAD_S} s (${MIN_LEAD_S} s before the sink stops, ${TAIL_S} s after it is back)`,
    );
  return {
    durationS: o.duration,
    rate: o.rate,
    peak: { fromS: stopAt / 3, toS: (2 * stopAt) / 3, rate: o.rate * PEAK_LOAD },
    sinkDown: { fromS: stopAt, toS: stopAt + o.down },
  };
}

export const rateAt = (s: Schedule, tS: number) => (tS >= s.peak.fromS && tS < s.peak.toS ? s.peak.rate : s.rate);

/** `stream` (Poisson at `s.peak.rate` from `startMs`), each event kept with probability rate(t) / peak rate. */
export function* varyingLoad(
  s: Schedule,
  startMs: number,
  stream: Iterator<Scheduled>,
  rng: Rng,
): Generator<Scheduled> {
  for (;;) {
    const next = stream.next();
    if (next.done) return;
    const e = next.value as Scheduled;
    if (rng() * s.peak.rate < rateAt(s, (e.timeMs - startMs) / 1000)) yield { ...e, label: null };
  }
}
