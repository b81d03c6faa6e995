// The review's data, validated where it crosses a boundary: the workflow's input (from the fraud
// consumer), the customer history an activity gathers, the analyst's signal, and the verdict that is
// stored and published. The workflow imports only the types; activities and readers parse.
import { z } from 'zod';
import { DECIDED_BY, RULE_NAMES, VERDICTS } from '../vocabulary.ts';

const txId = z.uuid();
const customerId = z.string().regex(/^cust_\d+$/, 'expected cust_<number>');
const instant = z.iso.datetime({ precision: 3 });

export const RuleHit = z.object({ rule: z.enum(RULE_NAMES), score: z.number().min(0).max(1), reason: z.string() });

/** How the workflow turns evidence into a verdict; passed in, so the workflow reads no config. */
export const Policy = z.object({
  hold_score: z.number().min(0).max(1),
  decline_score: z.number().min(0).max(1),
  min_history: z.int().positive(),
  outlier_ratio: z.number().gt(1),
  high_value_amount: z.int().positive(),
  hold_timeout_ms: z.int().positive(),
});
export type Policy = z.infer<typeof Policy>;

export const ReviewInput = z.object({
  transaction: z.object({
    transaction_id: txId,
    customer_id: customerId,
    timestamp: instant,
    amount: z.int().positive(),
    device_id: z.string().min(1),
  }),
  score: z.number().min(0).max(1),
  hits: z.array(RuleHit).min(1),
  /** when the fraud consumer flagged it: the start of the review's latency */
  flagged_at: instant,
  policy: Policy,
  /**
   * Run the three activities as local activities: inside the workflow task, on the worker that runs it,
   * recorded as markers, with no activity task through the server (faster: bench fraud). A worker that dies
   * mid-task runs the finished ones again, and the server's history shows no activity events (the audit
   * reads those); lab 05 keeps them recorded.
   */
  local_activities: z.boolean().optional(),
});
export type ReviewInput = z.infer<typeof ReviewInput>;

/** What the database says about the customer, before this transaction. */
export const CustomerHistory = z.object({
  /** transactions on record before this one (at most the query's limit) */
  transactions: z.int().nonnegative(),
  median_amount: z.number().nullable(),
  /** share of those above the high-value line */
  high_value_share: z.number().min(0).max(1),
  /** this transaction's device appears among them */
  device_seen: z.boolean(),
});
export type CustomerHistory = z.infer<typeof CustomerHistory>;

export const HistoryRequest = z.object({
  customer_id: customerId,
  transaction_id: txId,
  /** the record ends here: BASELINE_GAP_MS before the transaction */
  before: instant,
  device_id: z.string().min(1),
  high_value_amount: z.int().positive(),
});
export type HistoryRequest = z.infer<typeof HistoryRequest>;

export const Verdict = z.object({
  transaction_id: txId,
  customer_id: customerId,
  verdict: z.enum(VERDICTS),
  decided_by: z.enum(DECIDED_BY),
  score: z.number().min(0).max(1),
  rules: z.array(z.enum(RULE_NAMES)),
  reasons: z.array(z.string()),
  workflow_id: z.string().min(1),
  flagged_at: instant,
  decided_at: instant,
  analyst: z.string().nullable(),
});
export type Verdict = z.infer<typeof Verdict>;

export const AnalystDecision = z.object({
  decision: z.enum(['approve', 'decline']),
  analyst: z.string().min(1).max(64),
  note: z.string().max(500).optional(),
});
export type AnalystDecision = z.infer<typeof AnalystDecision>;

/** What the `reviewState` query returns at any moment. */
export type ReviewState = {
  phase: 'gathering' | 'held' | 'decided';
  score: number;
  reasons: string[];
  verdict: Verdict | null;
  /** while held: when the hold times out and declines */
  hold_until: string | null;
};
