// The client side of reviews: start one per risky transaction (idempotently: the workflow id is
// derived from the transaction id and a closed id is never reused, so a redelivered message finds the
// review already there), send an analyst's decision, ask a review where it stands.
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Config } from '../../config.ts';
import { StackError } from '../../errors.ts';
import type { AnalystDecision, ReviewInput, ReviewState } from './schemas.ts';
import { analystDecision, reviewState, reviewTransaction } from './workflows.ts';

export type ReviewTarget = { taskQueue: string; workflowPrefix: string };

export const reviewWorkflowId = (prefix: string, transactionId: string) => `${prefix}-${transactionId}`;

/** Connects, or fails with one line saying where it looked and what to do (a StackError, as the stack's own). */
export async function connectClient(c: Config): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: c.temporal.address, connectTimeout: '5 seconds' });
  } catch (e) {
    const hint = c.temporal.managed
      ? 'start it with `bun run stack up`'
      : 'check TEMPORAL_ADDRESS, or unset it to use the embedded one';
    throw new StackError(`Temporal at ${c.temporal.address} is not reachable (${(e as Error).message}): ${hint}`, e);
  }
  return new Client({ connection, namespace: c.temporal.namespace });
}

export async function withClient<T>(c: Config, f: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient(c);
  try {
    return await f(client);
  } finally {
    await client.connection.close();
  }
}

export type StartResult = { workflowId: string; started: boolean };

/**
 * Starts the review, or finds it already started (then `started` is false): never two per transaction.
 * `eager`: ask the server to hand the first workflow task back with the start, to a worker in this process
 * (only when the client runs on that worker's NativeConnection; the bench measures it).
 */
export async function startReview(
  client: Client,
  target: ReviewTarget,
  input: ReviewInput,
  o: { eager?: boolean } = {},
): Promise<StartResult> {
  const workflowId = reviewWorkflowId(target.workflowPrefix, input.transaction.transaction_id);
  try {
    await client.workflow.start(reviewTransaction, {
      taskQueue: target.taskQueue,
      workflowId,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      ...(o.eager ? { requestEagerStart: true } : {}),
    });
    return { workflowId, started: true };
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw e;
  }
}

export async function sendDecision(client: Client, workflowId: string, decision: AnalystDecision): Promise<void> {
  await client.workflow.getHandle(workflowId).signal(analystDecision, decision);
}

export async function queryReview(client: Client, workflowId: string): Promise<ReviewState> {
  return client.workflow.getHandle(workflowId).query(reviewState);
}
