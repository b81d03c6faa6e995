// Amount outlier: at least k × the customer's own running median, once there are enough earlier
// transactions for a median to mean something. The median, unlike the mean, is not dragged up by the
// outliers it is meant to catch.
import type { Rule } from './types.ts';

export const amountOutlier: Rule = (past, tx, t) => {
  if (past.count < t.minHistory) return null;
  const median = past.median();
  if (median === undefined || tx.amount < t.outlier.ratio * median) return null;
  const times = tx.amount / median;
  return {
    rule: 'amount_outlier',
    score: Math.min(0.95, 0.6 + 0.1 * Math.log2(times / t.outlier.ratio)),
    reason: `amount ${tx.amount.toLocaleString('en-US')} is ${times.toFixed(1)}× the customer's median ${Math.round(median).toLocaleString('en-US')} (threshold ${t.outlier.ratio}×)`,
  };
};
