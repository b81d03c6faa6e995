// A plausible wrong answer to exercise 05-1 (the tests check that its check fails on it): the
// reference solution reading the hour in UTC instead of in Tehran (UTC+03:30): its night is 03:30 to
// 09:30 in Tehran.
import type { CustomerView, RuleThresholds, Seen } from '../../lib/fraud/detect/rules/types.ts';

export const NIGHT = {
  timeZone: 'Asia/Tehran',
  fromHour: 0,
  toHour: 6,
  ratio: 5,
  score: 0.4,
} as const;

export type NightHit = { rule: 'night_high_amount'; score: number; reason: string };

export function nightHighAmount(past: CustomerView, tx: Seen, t: RuleThresholds): NightHit | null {
  const hour = new Date(tx.timeMs).getUTCHours(); // (wrong) the server's clock
  if (hour < NIGHT.fromHour || hour >= NIGHT.toHour) return null;
  if (past.count < t.minHistory) return null;
  const median = past.median();
  if (median === undefined || tx.amount < NIGHT.ratio * median) return null;
  return {
    rule: 'night_high_amount',
    score: NIGHT.score,
    reason: `${tx.amount.toLocaleString('en-US')} at ${String(hour).padStart(2, '0')}h in ${NIGHT.timeZone}, ${(tx.amount / median).toFixed(1)}× the customer's median (threshold ${NIGHT.ratio}×)`,
  };
}
