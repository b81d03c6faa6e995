// What chance alone does to keyed partitioning. A good hash places n keys on P partitions like n
// independent uniform throws, so each partition's key count is Binomial(n, 1/P): mean n/P, standard
// deviation √(n·(1/P)(1−1/P)), and about 95 % of partitions within 2 sd of the mean. The busiest
// partition of such throws, simulated with a seeded PRNG, says whether a run's skew (max/mean) is more
// than chance. Pure.
import { type Rng, seededRng } from '../../lib/random.ts';

/** Keys per partition expected by chance: mean, sd, and the band mean ± 2 sd (cut at 0). */
export type ChanceBand = { mean: number; sd: number; low: number; high: number };

export function keysBand(keys: number, partitions: number): ChanceBand {
  const p = 1 / partitions;
  const mean = keys * p;
  const sd = Math.sqrt(keys * p * (1 - p));
  return { mean, sd, low: Math.max(0, mean - 2 * sd), high: mean + 2 * sd };
}

/** The busiest partition's key count over random placements: how many of `trials` gave each count. */
export type BusiestByChance = {
  trials: number;
  /** busiest partition's keys → placements that gave it, by increasing keys */
  counts: { maxKeys: number; trials: number }[];
  /** median and 95th percentile of max/mean */
  skewP50: number;
  skewP95: number;
  /** share of placements whose busiest partition has at least `observedMax` keys */
  atLeastObserved: number;
};

/** `trials` placements of `keys` keys thrown uniformly on `partitions`, compared with a run whose busiest partition held `observedMax`. */
export function busiestByChance(
  keys: number,
  partitions: number,
  observedMax: number,
  trials = 2000,
  rng: Rng = seededRng(1),
): BusiestByChance {
  const maxima: number[] = [];
  const on = new Int32Array(partitions);
  for (let t = 0; t < trials; t++) {
    on.fill(0);
    for (let k = 0; k < keys; k++) on[Math.floor(rng() * partitions)]! += 1;
    maxima.push(Math.max(...on));
  }
  maxima.sort((a, b) => a - b);
  const tally = new Map<number, number>();
  for (const m of maxima) tally.set(m, (tally.get(m) ?? 0) + 1);
  const mean = keys / partitions;
  const at = (q: number) => maxima[Math.min(trials - 1, Math.ceil(q * trials) - 1)]! / mean;
  return {
    trials,
    counts: [...tally].map(([maxKeys, n]) => ({ maxKeys, trials: n })),
    skewP50: at(0.5),
    skewP95: at(0.95),
    atLeastObserved: maxima.filter((m) => m >= observedMax).length / trials,
  };
}
