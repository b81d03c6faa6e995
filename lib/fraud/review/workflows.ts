// The review workflow: one per risky transaction, its id derived from the transaction id. It gathers
// the customer's record (an activity, from the database), decides, and either records the verdict or
// holds: a hold is recorded, then waits for an analyst's signal up to the policy's timeout and
// declines if none comes. Durable: a worker crash anywhere in here resumes from history on another
// worker, without re-running the activities that had completed.
//
// Deterministic by construction: only the decision (pure) and types of everything else are imported.
import {
  type LocalActivityOptions,
  condition,
  defineQuery,
  defineSignal,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ReviewActivities } from './activities.ts';
import { BASELINE_GAP_MS, decide } from './decide.ts';
import { INVALID_INPUT } from './errors.ts';
import type { DecidedBy, VerdictKind } from '../vocabulary.ts';
import type { AnalystDecision, ReviewInput, ReviewState, Verdict } from './schemas.ts';

const ACTIVITY_OPTIONS: LocalActivityOptions = {
  // each is one query, one upsert or one produce: seconds at worst
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 12,
    nonRetryableErrorTypes: [INVALID_INPUT],
  },
};
/** scheduled through the server, each attempt an event in the history */
const recorded = proxyActivities<ReviewActivities>(ACTIVITY_OPTIONS);
/** run inside the workflow task by the worker that has it, recorded as a marker once done */
const local = proxyLocalActivities<ReviewActivities>(ACTIVITY_OPTIONS);

export const analystDecision = defineSignal<[AnalystDecision]>('analystDecision');
export const reviewState = defineQuery<ReviewState>('reviewState');

export async function reviewTransaction(input: ReviewInput): Promise<Verdict> {
  const { transaction: tx, policy } = input;
  const { loadCustomerHistory, saveVerdict, publishVerdict } = input.local_activities ? local : recorded;
  let state: ReviewState = {
    phase: 'gathering',
    score: input.score,
    reasons: input.hits.map((h) => `${h.rule}: ${h.reason}`),
    verdict: null,
    hold_until: null,
  };
  let analyst: AnalystDecision | undefined;
  setHandler(reviewState, () => state);
  setHandler(analystDecision, (d) => {
    if ((d?.decision !== 'approve' && d?.decision !== 'decline') || typeof d.analyst !== 'string' || d.analyst === '') {
      log.warn('ignoring a malformed analyst decision', { decision: JSON.stringify(d) });
      return;
    }
    analyst ??= d; // the first answer counts
  });

  const history = await loadCustomerHistory({
    customer_id: tx.customer_id,
    transaction_id: tx.transaction_id,
    before: new Date(Date.parse(tx.timestamp) - BASELINE_GAP_MS).toISOString(),
    device_id: tx.device_id,
    high_value_amount: policy.high_value_amount,
  });
  const decision = decide(input.hits, tx.amount, history, policy);
  const verdict = (kind: VerdictKind, by: DecidedBy, extra: string[] = []): Verdict => ({
    transaction_id: tx.transaction_id,
    customer_id: tx.customer_id,
    verdict: kind,
    decided_by: by,
    score: decision.score,
    rules: decision.kept.map((h) => h.rule),
    reasons: [...decision.reasons, ...extra],
    workflow_id: workflowInfo().workflowId,
    flagged_at: input.flagged_at,
    decided_at: new Date().toISOString(), // workflow time: deterministic on replay
    analyst: by === 'analyst' ? (analyst?.analyst ?? null) : null,
  });

  let final: Verdict;
  if (decision.verdict === 'hold') {
    const held = verdict('hold', 'rules');
    await saveVerdict(held);
    // held from the moment it is stored: whoever sees the published hold can already signal it
    state = {
      ...state,
      phase: 'held',
      score: decision.score,
      reasons: held.reasons,
      verdict: held,
      hold_until: new Date(Date.now() + policy.hold_timeout_ms).toISOString(),
    };
    await publishVerdict(held);
    const answered = await condition(() => analyst !== undefined, policy.hold_timeout_ms);
    final = answered
      ? verdict(analyst!.decision, 'analyst', [
          `analyst ${analyst!.analyst}: ${analyst!.decision}${analyst!.note ? ` (${analyst!.note})` : ''}`,
        ])
      : verdict('decline', 'timeout', [`no analyst decision within ${policy.hold_timeout_ms / 1000} s`]);
  } else {
    final = verdict(decision.verdict, 'rules');
  }
  await saveVerdict(final); // stored first (the source of truth, upserted), then published (keyed)
  await publishVerdict(final);
  state = { ...state, phase: 'decided', score: final.score, reasons: final.reasons, verdict: final, hold_until: null };
  return final;
}
