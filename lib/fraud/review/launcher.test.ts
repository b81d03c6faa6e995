import { describe, expect, test } from 'bun:test';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { loadConfig } from '../../config.ts';
import { flaggedReview } from '../../fixtures/review.ts';
import { ReviewLauncher } from './launcher.ts';

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

const input = () => flaggedReview([{ rule: 'velocity', score: 0.9, reason: 'test' }]);

const target = (o: { maxInFlight: number; slotTimeoutMs?: number }) => ({
  taskQueue: 'q',
  workflowPrefix: 'review',
  ...o,
});

describe('review launcher', () => {
  test('keeps at most maxInFlight reviews open: the next submit waits until one finishes', async () => {
    const { client, started, finish } = fakeClient();
    const launcher = new ReviewLauncher(client, target({ maxInFlight: 2 }));
    const a = await launcher.submit(input());
    await launcher.submit(input());
    let third = false;
    const pending = launcher.submit(input()).then(() => (third = true));
    await Bun.sleep(0); // were the bound broken, the fake start would have resolved by now
    expect({ started: started.size, third, waits: launcher.stats.waits }).toEqual({
      started: 2,
      third: false,
      waits: 1,
    });
    finish(a!.workflowId);
    await pending;
    const { inFlight, completed } = launcher.stats;
    expect({ started: started.size, inFlight, completed }).toEqual({ started: 3, inFlight: 2, completed: 1 });
  });

  test('starts submitted together run concurrently, and count against maxInFlight while under way', async () => {
    const { client, started } = fakeClient();
    // each start takes 50 ms, as a round trip to Temporal would
    const slow = client.workflow.start.bind(client.workflow);
    (client.workflow as { start: typeof slow }).start = async (...args: Parameters<typeof slow>) => {
      await Bun.sleep(50);
      return slow(...args);
    };
    const launcher = new ReviewLauncher(client, target({ maxInFlight: 3 }));
    const t0 = performance.now();
    const submits = Array.from({ length: 4 }, () => launcher.submit(input()));
    await Bun.sleep(120);
    // three started together in ~50 ms; the fourth waits for a slot, not for the others' round trips
    expect({ started: started.size, waits: launcher.stats.waits }).toEqual({ started: 3, waits: 1 });
    expect(performance.now() - t0).toBeLessThan(400);
    launcher.close('test over');
    expect((await Promise.all(submits)).filter((r) => r === undefined)).toHaveLength(1);
  });

  test('a transaction already under review counts as a duplicate and takes no slot', async () => {
    const { client } = fakeClient();
    const launcher = new ReviewLauncher(client, target({ maxInFlight: 2 }));
    const same = input();
    expect((await launcher.submit(same))?.started).toBe(true);
    expect((await launcher.submit(same))?.started).toBe(false);
    expect(launcher.stats).toMatchObject({ started: 1, duplicates: 1, inFlight: 1 });
  });

  describe('when every slot stays taken, the wait for one still ends', () => {
    test('when the consumer is stopping (its signal)', async () => {
      const { client } = fakeClient();
      const launcher = new ReviewLauncher(client, target({ maxInFlight: 1 }));
      await launcher.submit(input());
      const ac = new AbortController();
      const waiting = launcher.submit(input(), { signal: ac.signal });
      ac.abort();
      expect(await waiting).toBeUndefined();
    });

    test('when the consumer is leaving the group (kafkajs isRunning() false), within a second', async () => {
      const { client } = fakeClient();
      const launcher = new ReviewLauncher(client, target({ maxInFlight: 1 }));
      await launcher.submit(input());
      let running = true;
      const t0 = performance.now();
      const waiting = launcher.submit(input(), { stopping: () => !running });
      setTimeout(() => (running = false), 50);
      expect(await waiting).toBeUndefined();
      expect(performance.now() - t0).toBeLessThan(1_500);
    });

    test('when told the worker is gone: the waiting submit and every later one start nothing', async () => {
      const { client, started } = fakeClient();
      const launcher = new ReviewLauncher(client, target({ maxInFlight: 1 }));
      await launcher.submit(input());
      const waiting = launcher.submit(input());
      await Bun.sleep(0);
      launcher.close('the review worker died');
      expect(await waiting).toBeUndefined();
      expect(await launcher.submit(input())).toBeUndefined();
      expect({ started: started.size, open: launcher.openReviews().length, closed: launcher.closed }).toEqual({
        started: 1,
        open: 1,
        closed: 'the review worker died',
      });
    });

    test('after slotTimeoutMs, counted as timed out', async () => {
      const { client } = fakeClient();
      const launcher = new ReviewLauncher(client, target({ maxInFlight: 1, slotTimeoutMs: 200 }));
      await launcher.submit(input());
      const t0 = performance.now();
      expect(await launcher.submit(input())).toBeUndefined();
      const ms = performance.now() - t0;
      expect({ waited200ms: ms >= 190 && ms < 1_000, ...launcher.stats }).toMatchObject({
        waited200ms: true,
        waits: 1,
        timedOut: 1,
        started: 1,
      });
    });
  });
});
