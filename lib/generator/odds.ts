// How often an arrival starts a fraud pattern, so that labeled events are FRAUD_RATE of the stream,
// even where a pattern must fit in what is left of a run. A pattern is started only if all its events
// fall inside the run: in the last minute of a run a 30-minute streak cannot, a short burst can, and
// with 3 events left only a pair or a single one can. The odds follow the mix of patterns that fit, so
// the labeled share stays FRAUD_RATE up to the run's last event. Pure arithmetic.
import { type Shape, SHAPES } from './fraud.ts';
import { FRAUD_PATTERNS } from './types.ts';

/** What is left of a run: a pattern fits if its last event comes less than `ms` after its first, and
 * it has at most `events` events. */
export type Room = { ms: number; events: number };

export const fits = (offsets: readonly number[], room: Room) =>
  offsets.length <= room.events && offsets[offsets.length - 1]! < room.ms;

/**
 * For an arrival with `room` left: it is a slot with probability `slot` (else it is skipped), and a slot
 * starts a pattern with probability `start` (else it is one honest event). With E and L the expected
 * events and labeled events of a pattern drawn among those that fit,
 *   start = f / (L − f (E − 1)),   slot = 1 / (1 + start (E − 1)),
 * so every arrival brings 1 event and f labeled ones on average, and a run's count and share are exact.
 */
export type Odds = { slot: number; start: number };

const LONGEST_MS = Math.max(...Object.values(SHAPES).map((s) => (s.events[1] - 1) * s.gapMs[1]));
const MOST_EVENTS = Math.max(...Object.values(SHAPES).map((s) => s.events[1]));

export function odds(fraudRate: number, room: Room): Odds {
  let weight = 0;
  let events = 0;
  let labeled = 0;
  for (const pattern of FRAUD_PATTERNS) {
    const shape = SHAPES[pattern];
    const [lo, hi] = shape.events;
    for (let n = lo; n <= hi; n++) {
      // patterns are drawn uniformly, then their length uniformly, and drawn again until one fits
      const w = (fitChance(shape, n, room) / FRAUD_PATTERNS.length) * (1 / (hi - lo + 1));
      weight += w;
      events += w * n;
      labeled += w * shape.labeled(n);
    }
  }
  if (weight === 0 || fraudRate === 0) return { slot: 1, start: 0 };
  const [E, L] = [events / weight, labeled / weight];
  const start = fraudRate / (L - fraudRate * (E - 1));
  return { slot: 1 / (1 + start * (E - 1)), start };
}

/** `odds`, computed once for a run that nothing bounds and again only near a run's end. */
export function oddsFor(fraudRate: number): (room: Room) => Odds {
  const open = odds(fraudRate, { ms: Number.POSITIVE_INFINITY, events: Number.POSITIVE_INFINITY });
  return (room) => (room.ms > LONGEST_MS && room.events >= MOST_EVENTS ? open : odds(fraudRate, room));
}

/** The chance that a pattern of `n` events fits in `room`. */
function fitChance(shape: Shape, n: number, room: Room): number {
  if (n > room.events) return 0;
  return sumOfUniformsBelow(n - 1, shape.gapMs[0], shape.gapMs[1], room.ms);
}

/** P(the sum of k independent uniform [a, b] draws < x): the Irwin–Hall distribution function. */
export function sumOfUniformsBelow(k: number, a: number, b: number, x: number): number {
  if (x <= k * a) return k === 0 && x > 0 ? 1 : 0;
  if (x >= k * b) return 1;
  const z = (x - k * a) / (b - a);
  let sum = 0;
  for (let j = 0; j <= Math.floor(z); j++) sum += (-1) ** j * binomial(k, j) * (z - j) ** k;
  return sum / factorial(k);
}

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
const binomial = (n: number, k: number) => factorial(n) / (factorial(k) * factorial(n - k));
