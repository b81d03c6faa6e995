// The transaction generator: a seeded population, Poisson arrivals with a daily peak, declines, and
// fraud patterns whose ground truth is kept beside each event. Pure: no clock, no I/O. The caller says
// when the stream starts, so a run can be replayed exactly from (seed, start time, rate).
import { type Rng, chance, logNormal, pick, seededRng } from '../random.ts';
import { arrivalWithin, nextArrival } from './arrivals.ts';
import { type Draw, makeTransaction } from './event.ts';
import { EXPECTED_EVENTS, EXPECTED_LABELED, type PlannedEvent, planFraud } from './fraud.ts';
import { FRAUD_PATTERNS, type FraudPattern, type LabeledTransaction } from './types.ts';
import { type World, buildWorld } from './world.ts';

export * from './types.ts';
export { HIGH_VALUE } from './fraud.ts';
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

type Pending = { timeMs: number; planned: PlannedEvent; pattern: FraudPattern; instance: string };

export class TransactionGenerator {
  readonly world: World;
  private readonly arrivals: Rng;
  private readonly content: Rng;
  /** chance that an arrival starts a fraud pattern, chosen so labeled events are `fraudRate` of all */
  private readonly patternStart: number;
  private instances = 0;

  constructor(readonly options: GeneratorOptions) {
    this.world = buildWorld(options.seed, options.customerCount, options.merchantCount);
    this.arrivals = seededRng(options.seed ^ 0x5eed_a11);
    this.content = this.world.rng;
    const f = options.fraudRate;
    this.patternStart = f / (EXPECTED_LABELED - f * (EXPECTED_EVENTS - 1));
  }

  /**
   * An endless stream in event-time order from `startMs`, at `lambdaPerS` events per second on
   * average (× peakFactor in peak hours), fraud patterns included in that rate.
   */
  *stream(startMs: number, lambdaPerS: number): Generator<Scheduled> {
    if (!(lambdaPerS > 0)) throw new Error(`generator: rate must be > 0 events/s, got ${lambdaPerS}`);
    // arrivals that start a pattern bring its follow-up events with them: thin the slots to compensate
    const slotRate = lambdaPerS / (1 + this.patternStart * (EXPECTED_EVENTS - 1));
    const pending: Pending[] = [];
    let nextSlot = nextArrival(this.arrivals, startMs, slotRate, this.options.peakFactor);
    for (;;) {
      const head = pending[0];
      if (head && head.timeMs <= nextSlot) {
        pending.shift();
        yield this.emit(head.planned.draw, head.planned.labeled ? head : null);
        continue;
      }
      const t = nextSlot;
      nextSlot = nextArrival(this.arrivals, t, slotRate, this.options.peakFactor);
      if (chance(this.content, this.patternStart)) {
        const planned = this.plan(t);
        for (const p of planned) insertByTime(pending, p);
      } else {
        yield this.emit(this.normalDraw(t), null);
      }
    }
  }

  /** Exactly `count` events spread over [fromMs, toMs) with the daily peak, sorted by time. */
  backfill(count: number, fromMs: number, toMs: number): Scheduled[] {
    const out: Scheduled[] = [];
    const span = toMs - fromMs;
    while (out.length < count) {
      const t = arrivalWithin(this.arrivals, fromMs, toMs, this.options.peakFactor);
      if (!chance(this.content, this.patternStart)) {
        out.push(this.emit(this.normalDraw(t), null));
        continue;
      }
      const planned = this.plan(t);
      // keep the whole pattern inside the window, and stop at exactly `count`
      const overflow = Math.max(0, planned[planned.length - 1]!.timeMs - (toMs - 1));
      for (const p of planned.slice(0, count - out.length)) {
        p.planned.draw.timeMs = Math.max(fromMs, p.timeMs - Math.min(overflow, span));
        out.push(this.emit(p.planned.draw, p.planned.labeled ? p : null));
      }
    }
    return out.sort((a, b) => a.timeMs - b.timeMs);
  }

  private plan(startMs: number): Pending[] {
    const pattern = pick(this.content, FRAUD_PATTERNS);
    const instance = `${pattern}-${++this.instances}`;
    return planFraud(this.world, this.content, pattern, startMs).map((planned) => ({
      timeMs: planned.draw.timeMs,
      planned,
      pattern,
      instance,
    }));
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
