// Fraud injected as concrete, recognisable patterns. Each plan is a short sequence of events for one
// customer; the events a perfect detector should flag carry `labeled: true`. The labels go beside the
// events (a separate topic / file), never inside them.
import { type Rng, intBetween, logNormal, pick, uniform } from '../random.ts';
import type { Draw } from './event.ts';
import type { FraudPattern } from './types.ts';
import { FAR_CITIES, type World, newDevice } from './world.ts';

export type PlannedEvent = { draw: Draw; labeled: boolean };

/** Amount above which a transaction counts as high-value (seed 004's rule: > 1,000,000). */
export const HIGH_VALUE = 1_000_000;

/** Expected events per plan and expected labeled events per plan, patterns drawn uniformly. */
export const EXPECTED_EVENTS = (6 + 3.5 + 2 + 1) / 4;
export const EXPECTED_LABELED = (6 + 3.5 + 1 + 1) / 4;

export function planFraud(world: World, rng: Rng, pattern: FraudPattern, startMs: number): PlannedEvent[] {
  const customer = pick(rng, world.customers);
  const knownDevice = customer.devices[0]!;
  const base = { customer, device: knownDevice, city: customer.home };
  switch (pattern) {
    case 'velocity_burst': {
      // 5–7 card-not-present purchases a few seconds apart: a stolen card being tested and drained
      let t = startMs;
      return Array.from({ length: intBetween(rng, 5, 7) }, (_, i) => {
        if (i > 0) t += uniform(rng, 3_000, 12_000);
        const amount = logNormal(rng, customer.medianAmount * 0.8, 0.3);
        return {
          labeled: true,
          draw: { ...base, merchant: pick(rng, world.merchants), timeMs: t, amount, method: 'online' },
        };
      });
    }
    case 'high_value_streak': {
      // 3–4 purchases well above the high-value line within half an hour
      let t = startMs;
      return Array.from({ length: intBetween(rng, 3, 4) }, (_, i) => {
        if (i > 0) t += uniform(rng, 60_000, 600_000);
        const amount = uniform(rng, HIGH_VALUE * 1.2, HIGH_VALUE * 4);
        return {
          labeled: true,
          draw: {
            ...base,
            merchant: pick(rng, world.merchants),
            timeMs: t,
            amount,
            method: pick(rng, ['pos', 'online'] as const),
          },
        };
      });
    }
    case 'impossible_travel': {
      // an ordinary purchase at home, then minutes later one from another country on a device never seen
      const far = pick(rng, FAR_CITIES);
      const home: Draw = {
        ...base,
        merchant: pick(rng, world.merchants),
        timeMs: startMs,
        amount: logNormal(rng, customer.medianAmount, 0.4),
        method: pick(rng, customer.methods),
      };
      const jump: Draw = {
        customer,
        device: newDevice(world.faker, rng),
        city: far,
        merchant: pick(rng, world.merchants),
        timeMs: startMs + uniform(rng, 120_000, 1_200_000),
        amount: logNormal(rng, customer.medianAmount * 1.5, 0.3),
        method: 'online',
      };
      return [
        { labeled: false, draw: home },
        { labeled: true, draw: jump },
      ];
    }
    case 'amount_outlier': {
      // one purchase 15–40× the customer's usual amount
      const amount = customer.medianAmount * uniform(rng, 15, 40);
      return [
        {
          labeled: true,
          draw: {
            ...base,
            merchant: pick(rng, world.merchants),
            timeMs: startMs,
            amount,
            method: pick(rng, customer.methods),
          },
        },
      ];
    }
  }
}
