// What an analyst does: list the transactions on hold, and approve or decline one. The decision is a
// signal to that transaction's review workflow, which records the verdict. Holds are read from the
// verdicts table (the source of truth, and readable while no worker runs); a signal sent while the
// worker is down waits at the server and is applied when one polls again. Used by `bun run analyst`
// and by lab 05, which approves one hold itself.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { TxlabError } from '../../errors.ts';
import { type ReviewTarget, queryReview, reviewWorkflowId, sendDecision } from './client.ts';
import type { AnalystDecision, Verdict } from './schemas.ts';
import type { VerdictStore } from './sql/verdicts.ts';

export type HeldReview = Verdict & { hold_until: string | null };

/** A decision that cannot be taken (no such hold, already decided): expected, printed as one line. */
export class AnalystError extends TxlabError {
  constructor(message: string) {
    super(message, { expected: true });
  }
}

/** Holds whose workflow is still waiting, oldest first, with their deadline when a worker can answer a query. */
export async function heldReviews(
  client: Client,
  store: Pick<VerdictStore, 'held'>,
  limit = 50,
): Promise<HeldReview[]> {
  const out: HeldReview[] = [];
  for (const v of await store.held(limit)) {
    // a stored hold whose workflow is gone (e.g. the dev server's history was reset) is not waiting; any other failure is real
    const running = await client.workflow
      .getHandle(v.workflow_id)
      .describe()
      .then(
        (d) => d.status.name === 'RUNNING',
        (e: unknown) => {
          if (e instanceof WorkflowNotFoundError) return false;
          throw e;
        },
      );
    if (!running) continue;
    const state = await queryReview(client, v.workflow_id).catch(() => undefined);
    out.push({ ...v, hold_until: state?.hold_until ?? null });
  }
  return out;
}

/** Sends the decision to a held review; fails clearly if there is no such review or it is not on hold. */
export async function decideHeld(
  client: Client,
  store: Pick<VerdictStore, 'get'>,
  target: ReviewTarget,
  transactionId: string,
  decision: AnalystDecision,
): Promise<Verdict> {
  const workflowId = reviewWorkflowId(target.workflowPrefix, transactionId);
  const status = await client.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      (d) => d.status.name,
      (e: unknown) => {
        if (e instanceof WorkflowNotFoundError)
          throw new AnalystError(`no review for transaction ${transactionId} (workflow ${workflowId})`);
        throw e;
      },
    );
  const stored = await store.get(transactionId);
  if (stored === undefined)
    throw new AnalystError(`${transactionId} is not on hold: its review (${status.toLowerCase()}) has no verdict yet`);
  if (stored.verdict !== 'hold')
    throw new AnalystError(`${transactionId} is not on hold: already ${stored.verdict} (by ${stored.decided_by})`);
  if (status !== 'RUNNING')
    throw new AnalystError(`${transactionId} is held but its review is ${status.toLowerCase()}`);
  await sendDecision(client, workflowId, decision);
  return stored;
}
