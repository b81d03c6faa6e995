// Fraud injected as concrete, recognisable patterns. Each plan is a short sequence of events for one
// customer; the events a perfect detector should flag carry `labeled: true`. The labels go beside the
// events (a separate topic / file), never inside them. A plan's shape (how many events, how far apart)
// is drawn first, so the generator can tell whether it fits in what is left of a run before it starts it.
import { type Rng, intBetween, logNormal, pick, uniform } from '../random.ts';
import type { Draw } from './event.ts';
import type { FraudPattern } from './types.ts';
import { FAR_CITIES, type World, newDevice } from './world.ts';

export type PlannedEvent = { draw: Draw; labeled: boolean };

/** Amount above which a transaction counts as high-value (seed 004's rule: > 1,000,000). */
export const HIGH_VALUE = 1_000_000;

/** How many events a pattern has, the gap between consecutive ones, and how many a detector should flag. */
export type Shape = {
  events: readonly [min: number, max: number];
  gapMs: readonly [min: number, max: number];
  labeled: (events: number) => number;
};

export const SHAPES: Record<FraudPattern, Shape> = {
  // card-not-present purchases a few seconds apart: a stolen card being tested and drained
  velocity_burst: { events: [5, 7], gapMs: [3_000, 12_000], labeled: (n) => n },
  // purchases well above the high-value line, within half an hour
  high_value_streak: { events: [3, 4], gapMs: [60_000, 600_000], labeled: (n) => n },
  // an ordinary purchase at home, then minutes later one from another country: only the second is fraud
  impossible_travel: { events: [2, 2], gapMs: [120_000, 1_200_000], labeled: () => 1 },
  amount_outlier: { events: [1, 1], gapMs: [0, 0], labeled: () => 1 },
};

/** A drawn shape: each event's time after the first, ms (`[0, g₁, g₁ + g₂, …]`). */
export function drawShape(rng: Rng, pattern: FraudPattern): number[] {
  const { events, gapMs } = SHAPES[pattern];
  const offsets = [0];
  for (let i = intBetween(rng, events[0], events[1]); i > 1; i--) {
    offsets.push(offsets[offsets.length - 1]! + uniform(rng, gapMs[0], gapMs[1]));
  }
  return offsets;
}

/** The events of one pattern, the first at `startMs`, the others at the shape's offsets. */
export function planFraud(
  world: World,
  rng: Rng,
  pattern: FraudPattern,
  startMs: number,
  offsets: readonly number[],
): PlannedEvent[] {
  const customer = pick(rng, world.customers);
  const base = { customer, device: customer.devices[0]!, city: customer.home };
  const at = offsets.map((o) => startMs + o);
  switch (pattern) {
    case 'velocity_burst':
      return at.map((timeMs) => ({
        labeled: true,
        draw: {
          ...base,
          merchant: pick(rng, world.merchants),
          timeMs,
          amount: logNormal(rng, customer.medianAmount * 0.8, 0.3),
          method: 'online',
        },
      }));
    case 'high_value_streak':
      return at.map((timeMs) => ({
        labeled: true,
        draw: {
          ...base,
          merchant: pick(rng, world.merchants),
          timeMs,
          amount: uniform(rng, HIGH_VALUE * 1.2, HIGH_VALUE * 4),
          method: pick(rng, ['pos', 'online'] as const),
        },
      }));
    case 'impossible_travel': {
      const home: Draw = {
        ...base,
        merchant: pick(rng, world.merchants),
        timeMs: at[0]!,
        amount: logNormal(rng, customer.medianAmount, 0.4),
        method: pick(rng, customer.methods),
      };
      const jump: Draw = {
        customer,
        device: newDevice(world.faker, rng),
        city: pick(rng, FAR_CITIES),
        merchant: pick(rng, world.merchants),
        timeMs: at[1]!,
        amount: logNormal(rng, customer.medianAmount * 1.5, 0.3),
        method: 'online',
      };
      return [
        { labeled: false, draw: home },
        { labeled: true, draw: jump },
      ];
    }
    case 'amount_outlier':
      // one purchase 15–40× the customer's usual amount
      return [
        {
          labeled: true,
          draw: {
            ...base,
            merchant: pick(rng, world.merchants),
            timeMs: at[0]!,
            amount: customer.medianAmount * uniform(rng, 15, 40),
            method: pick(rng, customer.methods),
          },
        },
      ];
  }
}
