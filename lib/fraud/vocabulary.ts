// The fraud stage's words, as constant tuples: the rules' names, the verdicts, who decides, and how a
// scored event ended. The domain code and the results schema (lib/results/lab05.ts) both take them
// from here, so this file imports nothing.

export const RULE_NAMES = [
  'velocity',
  'high_value_streak',
  'impossible_travel',
  'new_device',
  'amount_outlier',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export const VERDICTS = ['approve', 'decline', 'hold'] as const;
export type VerdictKind = (typeof VERDICTS)[number];

export const DECIDED_BY = ['rules', 'analyst', 'timeout'] as const;
export type DecidedBy = (typeof DECIDED_BY)[number];

/** How a live event ended, when lab 05 scores it against the generator's labels. */
export const OUTCOMES = [
  'not_reviewed',
  'approved',
  'approved_by_analyst',
  'declined',
  'declined_by_analyst',
  'declined_on_timeout',
  'pending',
] as const;
export type Outcome = (typeof OUTCOMES)[number];
