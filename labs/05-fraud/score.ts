// Scoring the fraud review against the generator's ground truth. Pure.
//
// Every live event ends in one outcome: not reviewed (the rules let it through), approved, declined,
// or still pending when the run ended. Recall per pattern: the share of that pattern's labeled events
// that were declined (and, per instance, the share of attacks with at least one declined event: a
// burst is stopped once one of its events is). Precision per pattern: of the declines attributed to
// that pattern — through the strongest rule that flagged them (RULE_PATTERN) — the share that really
// were that pattern. Overall precision and recall treat every pattern as "fraud".
//
// Per rule, before any review: precision is the share of the events it fired on that were fraud (of
// any pattern), recall the share of its own pattern's labeled events it fired on. A rule with low
// precision floods the reviews; the review (with the customer's record) approves most of those.
//
// Who declined: the rules, an analyst, or a hold timeout (a hold nobody answered declines). Recall
// without timeouts counts only the declines the rules and analysts made: what the run would have
// caught had an unanswered hold approved instead.
import type { FraudPattern } from '../../lib/generator/types.ts';
import { FRAUD_PATTERNS } from '../../lib/generator/types.ts';
import {
  DECIDED_BY,
  type DecidedBy,
  type Outcome,
  RULE_NAMES,
  type RuleName,
  type VerdictKind,
} from '../../lib/fraud/vocabulary.ts';

/** The pattern each rule was written to catch. */
export const RULE_PATTERN: Record<RuleName, FraudPattern> = {
  velocity: 'velocity_burst',
  high_value_streak: 'high_value_streak',
  impossible_travel: 'impossible_travel',
  new_device: 'impossible_travel',
  amount_outlier: 'amount_outlier',
};

export type ScoredEvent = {
  transaction_id: string;
  /** ground truth: null for an honest transaction */
  pattern: FraudPattern | null;
  instance: string | null;
  /** the rules' strongest hit, when the stream flagged it for review */
  primary_rule: RuleName | null;
  /** every rule that fired on it (reviewed or not) */
  rules: RuleName[];
  /** the final verdict, when the review finished */
  verdict: { verdict: VerdictKind; decided_by: DecidedBy } | null;
};

export function outcomeOf(e: ScoredEvent): Outcome {
  if (e.primary_rule === null) return 'not_reviewed';
  if (e.verdict === null || e.verdict.verdict === 'hold') return 'pending';
  if (e.verdict.verdict === 'approve') return e.verdict.decided_by === 'analyst' ? 'approved_by_analyst' : 'approved';
  return e.verdict.decided_by === 'analyst'
    ? 'declined_by_analyst'
    : e.verdict.decided_by === 'timeout'
      ? 'declined_on_timeout'
      : 'declined';
}

const isDeclined = (o: Outcome) => o === 'declined' || o === 'declined_by_analyst' || o === 'declined_on_timeout';
const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

export type PatternScore = {
  pattern: FraudPattern;
  labeled: number;
  reviewed: number;
  declined: number;
  instances: number;
  instances_stopped: number;
  /** declines attributed to this pattern by their strongest rule */
  attributed: number;
  attributed_correct: number;
  precision: number | null;
  recall: number | null;
  instance_recall: number | null;
};

export type RuleScore = {
  rule: RuleName;
  fired: number;
  on_fraud: number;
  on_own_pattern: number;
  /** on_fraud / fired */
  precision: number | null;
  /** on_own_pattern / the labeled events of its pattern */
  recall: number | null;
};

export type Declines = {
  /** declines by who decided them, and how many of those were fraud */
  by: Record<DecidedBy, { declined: number; fraud: number }>;
  /** fraud declined by the rules or an analyst / labeled: recall had an unanswered hold approved */
  recall_without_timeouts: number | null;
};

export type Scoreboard = {
  overall: {
    events: number;
    labeled: number;
    reviewed: number;
    declined: number;
    true_declines: number;
    precision: number | null;
    recall: number | null;
  };
  patterns: PatternScore[];
  rules: RuleScore[];
  declines: Declines;
  confusion: { truth: FraudPattern | 'none'; outcome: Outcome; count: number }[];
};

export function score(events: readonly ScoredEvent[]): Scoreboard {
  const outcomes = events.map((e) => ({ e, o: outcomeOf(e) }));
  const declined = outcomes.filter((x) => isDeclined(x.o));
  const labeled = events.filter((e) => e.pattern !== null);
  const trueDeclines = declined.filter((x) => x.e.pattern !== null).length;
  const decider = (by: DecidedBy) => declined.filter((x) => x.e.verdict?.decided_by === by);
  const declinesBy = Object.fromEntries(
    DECIDED_BY.map((by) => [
      by,
      { declined: decider(by).length, fraud: decider(by).filter((x) => x.e.pattern !== null).length },
    ]),
  ) as Declines['by'];

  const patterns = FRAUD_PATTERNS.map((pattern): PatternScore => {
    const mine = outcomes.filter((x) => x.e.pattern === pattern);
    const instances = Map.groupBy(mine, (x) => x.e.instance ?? x.e.transaction_id);
    const attributed = declined.filter((x) => x.e.primary_rule !== null && RULE_PATTERN[x.e.primary_rule] === pattern);
    const attributedCorrect = attributed.filter((x) => x.e.pattern === pattern).length;
    const dec = mine.filter((x) => isDeclined(x.o)).length;
    const stopped = [...instances.values()].filter((xs) => xs.some((x) => isDeclined(x.o))).length;
    return {
      pattern,
      labeled: mine.length,
      reviewed: mine.filter((x) => x.o !== 'not_reviewed').length,
      declined: dec,
      instances: instances.size,
      instances_stopped: stopped,
      attributed: attributed.length,
      attributed_correct: attributedCorrect,
      precision: ratio(attributedCorrect, attributed.length),
      recall: ratio(dec, mine.length),
      instance_recall: ratio(stopped, instances.size),
    };
  });

  const cells = new Map<string, { truth: FraudPattern | 'none'; outcome: Outcome; count: number }>();
  for (const { e, o } of outcomes) {
    const truth = e.pattern ?? 'none';
    const key = `${truth}/${o}`;
    const cell = cells.get(key) ?? { truth, outcome: o, count: 0 };
    cell.count++;
    cells.set(key, cell);
  }

  return {
    overall: {
      events: events.length,
      labeled: labeled.length,
      reviewed: outcomes.filter((x) => x.o !== 'not_reviewed').length,
      declined: declined.length,
      true_declines: trueDeclines,
      precision: ratio(trueDeclines, declined.length),
      recall: ratio(trueDeclines, labeled.length),
    },
    patterns,
    rules: RULE_NAMES.map((rule): RuleScore => {
      const fired = events.filter((e) => e.rules.includes(rule));
      const onFraud = fired.filter((e) => e.pattern !== null).length;
      const onOwn = fired.filter((e) => e.pattern === RULE_PATTERN[rule]).length;
      const ownLabeled = labeled.filter((e) => e.pattern === RULE_PATTERN[rule]).length;
      return {
        rule,
        fired: fired.length,
        on_fraud: onFraud,
        on_own_pattern: onOwn,
        precision: ratio(onFraud, fired.length),
        recall: ratio(onOwn, ownLabeled),
      };
    }),
    declines: {
      by: declinesBy,
      recall_without_timeouts: ratio(trueDeclines - declinesBy.timeout.fraud, labeled.length),
    },
    confusion: [...cells.values()],
  };
}
