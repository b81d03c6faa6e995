// All in-stream rules, evaluated together; their scores combine by noisy-OR (combine.ts).
import { highValueStreak } from './high-value.ts';
import { newDevice } from './new-device.ts';
import { amountOutlier } from './outlier.ts';
import { impossibleTravel } from './travel.ts';
import type { CustomerView, Rule, RuleHit, RuleThresholds, Seen } from './types.ts';
import { velocity } from './velocity.ts';

export * from './types.ts';
export { haversineKm } from './geo.ts';
export { combineScores } from './combine.ts';

export const RULES: readonly Rule[] = [velocity, highValueStreak, impossibleTravel, newDevice, amountOutlier];

export function evaluate(past: CustomerView, tx: Seen, t: RuleThresholds): RuleHit[] {
  return RULES.flatMap((rule) => rule(past, tx, t) ?? []);
}
