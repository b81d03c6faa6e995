// The fraud stage's thresholds and limits, in one place beside the rules they tune. A learner reads
// and changes them here; lab 05 overrides a few by flags and records all of them in its results.
import type { RuleThresholds } from './rules/types.ts';
import type { StateLimits } from './state.ts';

export type FraudTuning = {
  rules: RuleThresholds;
  /** combined score at which a transaction goes to review, and at which the review declines it outright */
  scores: { review: number; decline: number };
  /** per-customer state the consumer keeps: at most this many customers, dropped after this long idle */
  state: StateLimits;
  /** a hold waits this long for an analyst, then declines */
  holdTimeoutMs: number;
  /** risky events older than this (a replay, a backlog) update the rules' state but start no review */
  maxEventAgeMs: number;
  /** review workflows a consumer keeps running at once (its back-pressure on Temporal) */
  maxInFlight: number;
};

export const FRAUD_TUNING: FraudTuning = {
  rules: {
    // ≥ 5 transactions of one customer within (t − 60 s, t]
    velocity: { count: 5, windowMs: 60_000 },
    // 3 of the customer's last 10 above 10,000.00 (minor units)
    highValue: { amount: 1_000_000, count: 3, ofLast: 10 },
    // faster than an airliner, over a distance GPS noise cannot explain
    travel: { maxKmh: 900, minKm: 100 },
    // a device never seen for this customer, paying at least their median
    newDevice: { amountRatio: 1 },
    // at least 10 × the customer's median
    outlier: { ratio: 10 },
    minHistory: 5,
  },
  scores: { review: 0.5, decline: 0.8 },
  state: { maxCustomers: 100_000, idleMs: 7 * 86_400_000 },
  holdTimeoutMs: 300_000,
  maxEventAgeMs: 300_000,
  maxInFlight: 64,
};

/** The defaults with some values replaced (lab flags, tests). */
export function tuning(
  over: Partial<Omit<FraudTuning, 'rules'>> & { rules?: Partial<RuleThresholds> } = {},
): FraudTuning {
  return { ...FRAUD_TUNING, ...over, rules: { ...FRAUD_TUNING.rules, ...over.rules } };
}
