// Exercise 05-2: a step in lab 05's review workflow — large holds need two analysts (the four-eyes
// principle). The workflow around it is the lab's (review.ts); the wait you write runs in
// Temporal's workflow sandbox (deterministic: no I/O, no Date.now() of its own, no Math.random()). Write
// the part marked TODO; check it with
//   bun run exercise check 05-2-four-eyes
import { condition } from '@temporalio/workflow';
import { todo } from '../../lib/exercises/missing.ts';
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
  // TODO: a durable wait — `await condition(() => …, timeoutMs)` is true once its function is true,
  // false when the timeout passed first; decide from `answers` as described above
  return todo('awaitAnalysts in exercises/05-2-four-eyes/exercise.ts');
}

export const reviewTransaction = reviewWith(awaitAnalysts);
export { analystDecision, reviewState, TWO_ANALYSTS_FROM } from './review.ts';
