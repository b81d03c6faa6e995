import { describe, expect, test } from 'bun:test';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { loadConfig } from '../../config.ts';
import { transaction } from '../../fixtures/transaction.ts';
import { ReviewLauncher } from './launcher.ts';
import { policyFrom, reviewInput } from '../detect/policy.ts';

/** A stand-in for the Temporal client: starts succeed (or find the id taken), results resolve when the test says so. */
function fakeClient() {
  const started = new Set<string>();
  const finish = new Map<string, () => void>();
  const client = {
    workflow: {
      async start(_wf: unknown, o: { workflowId: string }) {
        if (started.has(o.workflowId))
          throw new WorkflowExecutionAlreadyStartedError('already started', o.workflowId, 'reviewTransaction');
        started.add(o.workflowId);
      },
      getHandle: (id: string) => ({
        result: () => new Promise((resolve) => finish.set(id, () => resolve({ verdict: 'decline' }))),
      }),
    },
  } as unknown as Client;
  return { client, started, finish: (id: string) => finish.get(id)!() };
}

const input = () => {
  const tx = transaction({ transaction_id: crypto.randomUUID() });
  const hits = [{ rule: 'velocity' as const, score: 0.9, reason: 'test' }];
  return reviewInput(
    tx,
    {
      transaction_id: tx.transaction_id,
      customer_id: tx.customer_id,
      score: 0.9,
      hits,
      risky: true,
      redelivered: false,
    },
    policyFrom(),
  );
};

describe('review launcher', () => {
  test('keeps at most maxInFlight reviews open: the next submit waits until one finishes', async () => {
    const { client, started, finish } = fakeClient();
    const launcher = new ReviewLauncher(client, { taskQueue: 'q', workflowPrefix: 'review', maxInFlight: 2 });
    const a = await launcher.submit(input());
    await launcher.submit(input());
    let third = false;
    const pending = launcher.submit(input()).then(() => (third = true));
    await Bun.sleep(0); // were the bound broken, the fake start would have resolved by now
    expect([started.size, third, launcher.stats.waits]).toEqual([2, false, 1]);
    finish(a!.workflowId);
    await pending;
    expect([started.size, launcher.stats.inFlight, launcher.stats.completed]).toEqual([3, 2, 1]);
  });

  test('a transaction already under review counts as a duplicate and takes no slot', async () => {
    const { client } = fakeClient();
    const launcher = new ReviewLauncher(client, { taskQueue: 'q', workflowPrefix: 'review', maxInFlight: 2 });
    const same = input();
    expect((await launcher.submit(same))?.started).toBe(true);
    expect((await launcher.submit(same))?.started).toBe(false);
    expect(launcher.stats).toMatchObject({ started: 1, duplicates: 1, inFlight: 1 });
  });

  test('stops waiting for a slot when the consumer is stopping', async () => {
    const { client } = fakeClient();
    const launcher = new ReviewLauncher(client, { taskQueue: 'q', workflowPrefix: 'review', maxInFlight: 1 });
    await launcher.submit(input());
    const ac = new AbortController();
    const waiting = launcher.submit(input(), undefined, ac.signal);
    ac.abort();
    expect(await waiting).toBeUndefined();
  });
});
