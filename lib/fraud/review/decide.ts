// The review's decision, pure (it runs inside the workflow, so it must be deterministic). The stream's
// rules have a short, volatile memory; the database has the customer's longer record. Here each rule
// hit is checked against that record, and what survives decides: approve, hold for an analyst, or
// decline. The record ends an hour before the transaction (BASELINE_GAP_MS), so a fraud episode's own
// earlier events (a streak, a burst) do not make themselves look normal.
import { combineScores } from '../detect/rules/combine.ts';
import type { RuleHit } from '../detect/rules/types.ts';
import type { VerdictKind } from '../vocabulary.ts';
import type { CustomerHistory, Policy } from './schemas.ts';

/** High values are "normal" for a customer when at least this share of their record is high-value. */
export const HIGH_VALUE_NORMAL_SHARE = 0.15;

/** The customer's record is what happened before the last hour: the baseline this episode is compared to. */
export const BASELINE_GAP_MS = 3_600_000;

export type Decision = { verdict: VerdictKind; score: number; kept: RuleHit[]; reasons: string[] };

export function decide(hits: readonly RuleHit[], amount: number, history: CustomerHistory, policy: Policy): Decision {
  const reasons: string[] = [];
  const kept = hits.filter((hit) => {
    const why = discount(hit, amount, history, policy);
    if (why) reasons.push(`${hit.rule} set aside: ${why}`);
    return why === null;
  });
  reasons.unshift(...kept.map((h) => `${h.rule}: ${h.reason}`));
  const score = combineScores(kept);
  const verdict = score >= policy.decline_score ? 'decline' : score >= policy.hold_score ? 'hold' : 'approve';
  return { verdict, score, kept, reasons };
}

/** Why the customer's record explains this hit away, or null if it stands. */
function discount(hit: RuleHit, amount: number, h: CustomerHistory, p: Policy): string | null {
  const enough = h.transactions >= p.min_history;
  switch (hit.rule) {
    case 'new_device':
      return h.device_seen ? "the device appears in the customer's record" : null;
    case 'amount_outlier':
      return enough && h.median_amount !== null && amount < p.outlier_ratio * h.median_amount
        ? `${(amount / h.median_amount).toFixed(1)}× the median of ${h.transactions} recorded transactions, under ${p.outlier_ratio}×`
        : null;
    case 'high_value_streak':
      return enough && h.high_value_share >= HIGH_VALUE_NORMAL_SHARE
        ? `${Math.round(h.high_value_share * 100)} % of ${h.transactions} recorded transactions are high-value`
        : null;
    default:
      return null;
  }
}
