// A plausible wrong answer to exercise 05-2 (the tests check that its check fails on it): the
// reference solution counting approvals instead of distinct analysts: one analyst approving twice
// passes the four-eyes rule alone.
import { condition } from '@temporalio/workflow';
import type { AnalystDecision } from '../../lib/fraud/review/schemas.ts';
import { type HoldEnd, TWO_ANALYSTS_FROM, reviewWith } from './review.ts';

/**
 * Waits until the analysts' answers decide the hold, or `timeoutMs` passes. `answers` holds every valid
 * analystDecision signal in the order it arrived, and the signal handler keeps appending to it while
 * this waits.
 * - under TWO_ANALYSTS_FROM: the first answer decides (approve or decline), as in the lab;
 * - from TWO_ANALYSTS_FROM on: any decline declines at once; approving needs approvals from two
 *   different analysts (one analyst approving twice is still one);
 * - not decided within `timeoutMs`: a decline on timeout.
 * `analysts`: who decided (the decliner, or the approvers in the order they approved); on a timeout,
 * whoever had approved so far.
 */
async function awaitAnalysts(answers: readonly AnalystDecision[], amount: number, timeoutMs: number): Promise<HoldEnd> {
  const needed = amount >= TWO_ANALYSTS_FROM ? 2 : 1;
  const approvers: string[] = [];
  // decides from the answers so far; re-evaluated by condition() after every signal, also on replay
  const outcome = (): HoldEnd | undefined => {
    approvers.length = 0;
    for (const a of answers) {
      if (a.decision === 'decline') return { verdict: 'decline', by: 'analyst', analysts: [a.analyst] };
      approvers.push(a.analyst); // (wrong) every approval counts, whoever sent it
      if (approvers.length >= needed) return { verdict: 'approve', by: 'analyst', analysts: [...approvers] };
    }
    return undefined;
  };
  let end: HoldEnd | undefined;
  // a durable timer: a worker crash while waiting resumes here, with the time already waited counted
  if (await condition(() => (end = outcome()) !== undefined, timeoutMs)) return end!;
  return { verdict: 'decline', by: 'timeout', analysts: [...approvers] };
}

export const reviewTransaction = reviewWith(awaitAnalysts);
export { analystDecision, reviewState, TWO_ANALYSTS_FROM } from './review.ts';
