// The lab's review workflow (lib/fraud/review/workflows.ts) with the hold's wait left open: exercise.ts,
// solution.ts and wrong.ts each pass their own awaitAnalysts to reviewWith and export the result as the
// workflow. It runs in Temporal's workflow sandbox (deterministic: no I/O, no Date.now() of its own).
import { defineQuery, defineSignal, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ReviewActivities } from '../../lib/fraud/review/activities.ts';
import { BASELINE_GAP_MS, decide } from '../../lib/fraud/review/decide.ts';
import { INVALID_INPUT } from '../../lib/fraud/review/errors.ts';
import type { AnalystDecision, ReviewInput, ReviewState, Verdict } from '../../lib/fraud/review/schemas.ts';
import type { DecidedBy, VerdictKind } from '../../lib/fraud/vocabulary.ts';

/** Holds of at least this amount (minor units) need the approval of two different analysts. */
export const TWO_ANALYSTS_FROM = 2_000_000;

/** How a hold ended: the verdict, who decided, and the analysts whose answers decided it. */
export type HoldEnd = { verdict: 'approve' | 'decline'; by: 'analyst' | 'timeout'; analysts: string[] };

/** What each version writes: decide the hold from the answers so far (see exercise.ts). */
export type AwaitAnalysts = (
  answers: readonly AnalystDecision[],
  amount: number,
  timeoutMs: number,
) => Promise<HoldEnd>;

const { loadCustomerHistory, saveVerdict, publishVerdict } = proxyActivities<ReviewActivities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 12,
    nonRetryableErrorTypes: [INVALID_INPUT],
  },
});

export const analystDecision = defineSignal<[AnalystDecision]>('analystDecision');
export const reviewState = defineQuery<ReviewState>('reviewState');

/** The review workflow with `awaitAnalysts` as the hold's wait. */
export const reviewWith = (awaitAnalysts: AwaitAnalysts) =>
  async function reviewTransaction(input: ReviewInput): Promise<Verdict> {
    const { transaction: tx, policy } = input;
    let state: ReviewState = {
      phase: 'gathering',
      score: input.score,
      reasons: input.hits.map((h) => `${h.rule}: ${h.reason}`),
      verdict: null,
      hold_until: null,
    };
    const answers: AnalystDecision[] = [];
    setHandler(reviewState, () => state);
    setHandler(analystDecision, (d) => {
      if (
        (d?.decision !== 'approve' && d?.decision !== 'decline') ||
        typeof d.analyst !== 'string' ||
        d.analyst === ''
      ) {
        log.warn('ignoring a malformed analyst decision', { decision: JSON.stringify(d) });
        return;
      }
      answers.push(d); // every answer, in order: awaitAnalysts decides which count
    });

    const history = await loadCustomerHistory({
      customer_id: tx.customer_id,
      transaction_id: tx.transaction_id,
      before: new Date(Date.parse(tx.timestamp) - BASELINE_GAP_MS).toISOString(),
      device_id: tx.device_id,
      high_value_amount: policy.high_value_amount,
    });
    const decision = decide(input.hits, tx.amount, history, policy);
    const verdict = (
      kind: VerdictKind,
      by: DecidedBy,
      extra: string[] = [],
      analyst: string | null = null,
    ): Verdict => ({
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
      analyst,
    });

    let final: Verdict;
    if (decision.verdict === 'hold') {
      const held = verdict('hold', 'rules');
      await saveVerdict(held);
      state = {
        ...state,
        phase: 'held',
        score: decision.score,
        reasons: held.reasons,
        verdict: held,
        hold_until: new Date(Date.now() + policy.hold_timeout_ms).toISOString(),
      };
      await publishVerdict(held);
      const end = await awaitAnalysts(answers, tx.amount, policy.hold_timeout_ms);
      final =
        end.by === 'analyst'
          ? verdict(end.verdict, 'analyst', [`${end.analysts.join(' and ')}: ${end.verdict}`], end.analysts.join(', '))
          : verdict('decline', 'timeout', [
              `no decision within ${policy.hold_timeout_ms / 1000} s${end.analysts.length ? ` (approved by ${end.analysts.join(', ')} only)` : ''}`,
            ]);
    } else {
      final = verdict(decision.verdict, 'rules');
    }
    await saveVerdict(final);
    await publishVerdict(final);
    state = {
      ...state,
      phase: 'decided',
      score: final.score,
      reasons: final.reasons,
      verdict: final,
      hold_until: null,
    };
    return final;
  };
