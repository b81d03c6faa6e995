// Exercise 05-1: a new in-stream fraud rule, "a large amount in the middle of the night". Write the
// part marked TODO; check it with
//   bun run exercise check 05-1-night-rule
import { todo } from '../../lib/exercises/missing.ts';
import type { CustomerView, RuleThresholds, Seen } from '../../lib/fraud/detect/rules/types.ts';

/**
 * The rule's knobs. Every customer of the generator lives in Iran (lib/generator/world.ts), so "night"
 * is night in Tehran: Asia/Tehran, UTC+03:30 all year (Iran dropped daylight saving time in 2022).
 */
export const NIGHT = {
  timeZone: 'Asia/Tehran',
  /** night is [fromHour, toHour) local time: 00:00:00.000 is night, 06:00:00.000 is not */
  fromHour: 0,
  toHour: 6,
  /** at least this many × the customer's running median */
  ratio: 5,
  /** weak alone (under the review threshold of 0.5), evidence next to the other rules */
  score: 0.4,
} as const;

/** What the rule says when it fires (the lab's rules say the same, under their own names). */
export type NightHit = { rule: 'night_high_amount'; score: number; reason: string };

/**
 * Fires on a transaction made at night, local time, for at least NIGHT.ratio × the customer's running
 * median (`past.median()`, over the events before this one), once the customer has at least
 * `t.minHistory` earlier events (`past.count`), as the lab's outlier rule waits (lib/fraud/detect/rules/
 * outlier.ts). `tx.timeMs` is event time, epoch ms. Returns null when it does not fire.
 */
export function nightHighAmount(past: CustomerView, tx: Seen, t: RuleThresholds): NightHit | null {
  // TODO: the local hour of tx.timeMs in NIGHT.timeZone; null unless it is night, there is enough
  // history and the amount is at least NIGHT.ratio × the median; else the hit, with NIGHT.score
  return todo('nightHighAmount in exercises/05-1-night-rule/exercise.ts');
}
