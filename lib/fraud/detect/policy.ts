// From the thresholds and a flagged transaction to the review workflow's input. Pure.
import type { Transaction } from '../../schema.ts';
import type { Assessment } from './engine.ts';
import type { Policy, ReviewInput } from '../review/schemas.ts';
import { FRAUD_TUNING, type FraudTuning } from './thresholds.ts';

export function policyFrom(f: FraudTuning = FRAUD_TUNING, over: Partial<Policy> = {}): Policy {
  return {
    hold_score: f.scores.review,
    decline_score: f.scores.decline,
    min_history: f.rules.minHistory,
    outlier_ratio: f.rules.outlier.ratio,
    high_value_amount: f.rules.highValue.amount,
    hold_timeout_ms: f.holdTimeoutMs,
    ...over,
  };
}

export function reviewInput(tx: Transaction, a: Assessment, policy: Policy, flaggedAt = new Date()): ReviewInput {
  return {
    transaction: {
      transaction_id: tx.transaction_id,
      customer_id: tx.customer_id,
      timestamp: tx.timestamp,
      amount: tx.amount,
      device_id: tx.device_info.device_id,
    },
    score: a.score,
    hits: a.hits,
    flagged_at: flaggedAt.toISOString(),
    policy,
  };
}
