// Reference solution of exercise 05-1 (read it after trying: `bun run exercise solution 05-1-night-rule`).
import type { CustomerView, RuleThresholds, Seen } from '../../lib/fraud/detect/rules/types.ts';

export const NIGHT = {
  timeZone: 'Asia/Tehran',
  fromHour: 0,
  toHour: 6,
  ratio: 5,
  score: 0.4,
} as const;

export type NightHit = { rule: 'night_high_amount'; score: number; reason: string };

// the local hour, from the time zone database (an offset written by hand breaks with the next DST change)
const hourIn = new Intl.DateTimeFormat('en-GB', { timeZone: NIGHT.timeZone, hour: 'numeric', hourCycle: 'h23' });

export function nightHighAmount(past: CustomerView, tx: Seen, t: RuleThresholds): NightHit | null {
  const hour = Number(hourIn.format(tx.timeMs));
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
