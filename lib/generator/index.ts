// The transaction generator: a seeded population, Poisson arrivals with a daily peak, declines, and
// fraud patterns whose ground truth is kept beside each event. Pure: no clock, no I/O. The caller says
// when the stream starts (and, for a run, when it ends), so a run can be replayed exactly from (seed,
// start time, rate, end). A fraud pattern is only started if all its events fall inside the run, so
// every label describes a whole pattern.
import { type Rng, chance, logNormal, pick, seededRng } from '../random.ts';
import { arrivalWithin, nextArrival, rateMultiplier } from './arrivals.ts';
import { type Draw, makeTransaction } from './event.ts';
import { type PlannedEvent, drawShape, planFraud } from './fraud.ts';
import { type Odds, type Room, fits, oddsFor } from './odds.ts';
import { FRAUD_PATTERNS, type FraudPattern, type LabeledTransaction } from './types.ts';
import { type World, buildWorld } from './world.ts';

export * from './types.ts';
export { HIGH_VALUE, SHAPES } from './fraud.ts';
export { type BrokenPattern, checkPatterns } from './patterns.ts';
export { isPeakHour, PEAK_END_HOUR, PEAK_START_HOUR } from './arrivals.ts';

export type GeneratorOptions = {
  seed: number;
  customerCount: number;
  merchantCount: number;
  fraudRate: number;
  declinedRate: number;
  peakFactor: number;
};

/** A generated event with its exact (sub-millisecond) scheduled time, which the producer waits for. */
export type Scheduled = LabeledTransaction & { timeMs: number };

/**
 * Where a run ends: every event comes before `endMs`, and there are at most `maxEvents` of them. A
 * pattern must fit in both, and in the time the events left take at the stream's rate, so a run
 * bounded by a count ends about when its last event was due instead of waiting for a long pattern.
 */
export type RunEnd = { endMs?: number; maxEvents?: number };

type Pending = { timeMs: number; planned: PlannedEvent; pattern: FraudPattern; instance: string };

export class TransactionGenerator {
  readonly world: World;
  private readonly arrivals: Rng;
  private readonly content: Rng;
  /** chances that an arrival starts a fraud pattern, chosen so labeled events are `fraudRate` of all */
  private readonly odds: (room: Room) => Odds;
  private instances = 0;

  constructor(readonly options: GeneratorOptions) {
    const f = options.fraudRate;
    if (!(f >= 0 && f <= 0.5)) throw new Error(`generator: fraudRate must be in [0, 0.5], got ${f}`);
    this.world = buildWorld(options.seed, options.customerCount, options.merchantCount);
    this.arrivals = seededRng(options.seed ^ 0x5eed_a11);
    this.content = this.world.rng;
    this.odds = oddsFor(f);
  }

  /**
   * A stream in event-time order from `startMs`, at `lambdaPerS` events per second on average
   * (× peakFactor in peak hours), fraud patterns included in that rate. Endless unless `end` bounds it;
   * a bounded stream stops at its end, and holds only whole fraud patterns.
   */
  *stream(startMs: number, lambdaPerS: number, end: RunEnd = {}): Generator<Scheduled> {
    if (!(lambdaPerS > 0)) throw new Error(`generator: rate must be > 0 events/s, got ${lambdaPerS}`);
    const endMs = end.endMs ?? Number.POSITIVE_INFINITY;
    const maxEvents = end.maxEvents ?? Number.POSITIVE_INFINITY;
    const pending: Pending[] = [];
    let planned = 0; // events yielded or waiting in `pending`
    let arrival = nextArrival(this.arrivals, startMs, lambdaPerS, this.options.peakFactor);
    for (;;) {
      const open = arrival < endMs && planned < maxEvents;
      const head = pending[0];
      if (head && (!open || head.timeMs <= arrival)) {
        pending.shift();
        yield this.emit(head.planned.draw, head.planned.labeled ? head : null);
        continue;
      }
      if (!open) return;
      const t = arrival;
      arrival = nextArrival(this.arrivals, t, lambdaPerS, this.options.peakFactor);
      // arrivals that start a pattern bring its follow-up events with them: thin the arrivals to compensate
      const left = maxEvents - planned;
      const leftMs = (left / (lambdaPerS * rateMultiplier(t, this.options.peakFactor))) * 1000;
      const room = { ms: Math.min(endMs - t, leftMs), events: left };
      const odds = this.odds(room);
      if (this.arrivals() >= odds.slot) continue;
      if (chance(this.content, odds.start)) {
        const pattern = this.plan(t, room);
        planned += pattern.length;
        for (const p of pattern) insertByTime(pending, p);
      } else {
        planned++;
        yield this.emit(this.normalDraw(t), null);
      }
    }
  }

  /** Exactly `count` events spread over [fromMs, toMs) with the daily peak, whole patterns only, sorted by time. */
  backfill(count: number, fromMs: number, toMs: number): Scheduled[] {
    const out: Scheduled[] = [];
    while (out.length < count) {
      const t = arrivalWithin(this.arrivals, fromMs, toMs, this.options.peakFactor);
      const room = { ms: toMs - 1 - fromMs, events: count - out.length };
      if (!chance(this.content, this.odds(room).start)) {
        out.push(this.emit(this.normalDraw(t), null));
        continue;
      }
      // a pattern that would end after the window is moved earlier: it fits, so it still starts inside
      const pattern = this.plan(t, room, (last) => Math.min(t, toMs - 1 - last));
      for (const p of pattern) out.push(this.emit(p.planned.draw, p.planned.labeled ? p : null));
    }
    return out.sort((a, b) => a.timeMs - b.timeMs);
  }

  /** A fraud pattern that fits in `room`, drawn again until one does; it starts at `startAt(its length)`. */
  private plan(t: number, room: Room, startAt = (_lastOffsetMs: number) => t): Pending[] {
    for (;;) {
      const pattern = pick(this.content, FRAUD_PATTERNS);
      const offsets = drawShape(this.content, pattern);
      if (!fits(offsets, room)) continue;
      const instance = `${pattern}-${++this.instances}`;
      const startMs = startAt(offsets[offsets.length - 1]!);
      return planFraud(this.world, this.content, pattern, startMs, offsets).map((planned) => ({
        timeMs: planned.draw.timeMs,
        planned,
        pattern,
        instance,
      }));
    }
  }

  private normalDraw(timeMs: number): Draw {
    const rng = this.content;
    const customer = pick(rng, this.world.customers);
    const amount = Math.min(logNormal(rng, customer.medianAmount, 0.7), 5_000_000);
    return {
      customer,
      merchant: pick(rng, this.world.merchants),
      timeMs,
      amount: Math.max(amount, 1_000),
      device: pick(rng, customer.devices),
      city: customer.home,
      method: pick(rng, customer.methods),
    };
  }

  private emit(draw: Draw, fraud: Pick<Pending, 'pattern' | 'instance'> | null): Scheduled {
    const event = makeTransaction(this.content, draw, this.options.declinedRate);
    const label = fraud
      ? {
          transaction_id: event.transaction_id,
          customer_id: event.customer_id,
          pattern: fraud.pattern,
          instance: fraud.instance,
        }
      : null;
    return { event, label, timeMs: draw.timeMs };
  }
}

function insertByTime(queue: Pending[], item: Pending) {
  let i = queue.length;
  while (i > 0 && queue[i - 1]!.timeMs > item.timeMs) i--;
  queue.splice(i, 0, item);
}
