// High-value streak: this transaction is above the high-value line and so are at least K of the last
// L (this one included). Seed 004: three above 1,000,000 among the last ten.
import type { Rule } from './types.ts';

export const highValueStreak: Rule = (past, tx, t) => {
  const { amount, count, ofLast } = t.highValue;
  if (tx.amount <= amount) return null;
  const window = ofLast > 1 ? past.recent().slice(-(ofLast - 1)) : [];
  const k = 1 + window.filter((e) => e.amount > amount).length;
  if (k < count) return null;
  return {
    rule: 'high_value_streak',
    score: Math.min(1, 0.6 + 0.15 * (k - count)),
    reason: `${k} of the last ${window.length + 1} transactions above ${amount.toLocaleString('en-US')} (threshold ${count})`,
  };
};
