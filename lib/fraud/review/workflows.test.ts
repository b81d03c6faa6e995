// The review workflow on the real Temporal dev server, with a worker in this process, the real
// database and Kafka, and names of this file's own.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { waitUntil } from '../../wait.ts';
import { useEngines } from '../../testing/engines.ts';
import { queryReview, sendDecision, startReview } from './client.ts';
import { decideHeld, heldReviews } from './analyst.ts';
import { auditActivities } from './audit.ts';
import { INVALID_INPUT } from './errors.ts';
import type { HistoryRequest, ReviewInput, Verdict } from './schemas.ts';
import { SqlHistoryReader } from './sql/history.ts';
import { type FraudTestEnv, flagged, hit, publishedVerdicts, setupFraudTestEnv, startTestWorker } from './testing.ts';

useEngines('kafka', 'db', 'temporal');

let t: FraudTestEnv;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
/** transactions whose history lookup fails twice (a database hiccup) before it works */
const flaky = new Map<string, number>();

beforeAll(async () => {
  t = await setupFraudTestEnv();
  const real = new SqlHistoryReader(t.pool, t.config.fraud.tables.history);
  worker = await startTestWorker(t, {
    history: {
      async customerHistory(req: HistoryRequest) {
        const calls = (flaky.get(req.transaction_id) ?? 0) + 1;
        if (flaky.has(req.transaction_id)) flaky.set(req.transaction_id, calls);
        if (flaky.has(req.transaction_id) && calls <= 2) throw new Error(`history: connection reset (call ${calls})`);
        return real.customerHistory(req);
      },
    },
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await t?.cleanup();
});

const review = async (input: ReviewInput) => {
  const { workflowId, started } = await startReview(t.client, t.target, input);
  expect(started).toBe(true);
  return { workflowId, handle: t.client.workflow.getHandle(workflowId) };
};

const heldIn = (workflowId: string) =>
  waitUntil(
    `${workflowId} to hold`,
    async () => ((await queryReview(t.client, workflowId)).phase === 'held' ? true : undefined),
    { timeoutMs: 30_000, intervalMs: 100 },
  );

describe('review workflow', () => {
  test('approves when the customer record explains the hit, and stores the verdict', async () => {
    const now = Date.now();
    await t.addHistory(
      Array.from({ length: 10 }, (_, i) => ({
        customer_id: 'cust_101',
        amount: i < 3 ? 2_000_000 : 300_000,
        device_id: 'dev_0123456789ab',
        event_time: new Date(now - 86_400_000 + i * 60_000),
      })),
    );
    const input = flagged(t, [hit('high_value_streak', 0.6)], { customer: 'cust_101', amount: 2_500_000 });
    const { workflowId, handle } = await review(input);
    const v: Verdict = await handle.result();
    expect(v).toMatchObject({ verdict: 'approve', decided_by: 'rules', score: 0, rules: [], workflow_id: workflowId });
    expect(v.reasons).toContain('high_value_streak set aside: 30 % of 10 recorded transactions are high-value');
    expect(await t.verdicts.get(input.transaction.transaction_id)).toEqual(v);
    expect(await queryReview(t.client, workflowId)).toMatchObject({ phase: 'decided', verdict: v });
  });

  test('declines impossible travel on a new device, and publishes the verdict keyed by transaction id', async () => {
    const input = flagged(t, [hit('impossible_travel', 0.75), hit('new_device', 0.35)], { customer: 'cust_102' });
    const { handle } = await review(input);
    const v: Verdict = await handle.result();
    expect(v).toMatchObject({ verdict: 'decline', decided_by: 'rules', rules: ['impossible_travel', 'new_device'] });
    const published = await publishedVerdicts(t);
    expect(published.filter((p) => p.key === input.transaction.transaction_id).map((p) => p.value)).toEqual([v]);
  });

  test('holds, answers the query while held, and takes the analyst decision from a signal', async () => {
    const input = flagged(t, [hit('velocity', 0.6)], { customer: 'cust_103' });
    const txid = input.transaction.transaction_id;
    const { workflowId, handle } = await review(input);
    await heldIn(workflowId);
    expect((await t.verdicts.get(txid))?.verdict).toBe('hold');
    expect((await heldReviews(t.client, t.verdicts)).map((h) => h.transaction_id)).toContain(txid);
    await decideHeld(t.client, t.verdicts, t.target, txid, {
      decision: 'approve',
      analyst: 'alice',
      note: 'customer confirmed by phone',
    });
    const v: Verdict = await handle.result();
    expect(v).toMatchObject({ verdict: 'approve', decided_by: 'analyst', analyst: 'alice' });
    expect(v.reasons.at(-1)).toBe('analyst alice: approve (customer confirmed by phone)');
    expect((await t.verdicts.get(txid))?.verdict).toBe('approve');
    // a second answer finds nothing on hold
    await expect(
      decideHeld(t.client, t.verdicts, t.target, txid, { decision: 'decline', analyst: 'bob' }),
    ).rejects.toThrow(`${txid} is not on hold: already approve (by analyst)`);
  });

  test('a malformed signal is ignored; the first valid answer counts', async () => {
    const input = flagged(t, [hit('velocity', 0.6)], { customer: 'cust_108' });
    const { workflowId, handle } = await review(input);
    await heldIn(workflowId);
    await handle.signal('analystDecision', { decision: 'maybe', analyst: 'mallory' } as never);
    await sendDecision(t.client, workflowId, { decision: 'decline', analyst: 'carol' });
    await sendDecision(t.client, workflowId, { decision: 'approve', analyst: 'dave' });
    expect(await handle.result()).toMatchObject({ verdict: 'decline', decided_by: 'analyst', analyst: 'carol' });
  });

  test('declines a hold nobody answers once the hold times out', async () => {
    const input = flagged(t, [hit('velocity', 0.6)], { customer: 'cust_104', policy: { hold_timeout_ms: 1_000 } });
    const { handle } = await review(input);
    const v: Verdict = await handle.result();
    expect(v).toMatchObject({ verdict: 'decline', decided_by: 'timeout', analyst: null });
    expect(v.reasons.at(-1)).toBe('no analyst decision within 1 s');
  });

  test('retries an activity that fails twice, and completes', async () => {
    const input = flagged(t, [hit('impossible_travel', 0.9)], { customer: 'cust_105' });
    flaky.set(input.transaction.transaction_id, 0);
    const { workflowId, handle } = await review(input);
    expect(((await handle.result()) as Verdict).verdict).toBe('decline');
    expect(flaky.get(input.transaction.transaction_id)).toBe(3);
    expect(await auditActivities(t.client, t.attempts, [workflowId])).toEqual({
      attempts: 5,
      activities: 3,
      retried: 1,
      unfinished: 0,
      failed: 2,
      finished_unreported: 0,
      rerun_after_completion: 0,
    });
  });

  test('with local activities: the same verdict, stored and published, markers in the history instead of activity tasks, a failing lookup retried', async () => {
    const input = flagged(t, [hit('impossible_travel', 0.75), hit('new_device', 0.35)], { customer: 'cust_109' });
    flaky.set(input.transaction.transaction_id, 0);
    const { workflowId, handle } = await review({ ...input, local_activities: true });
    const v: Verdict = await handle.result();
    expect(v).toMatchObject({ verdict: 'decline', decided_by: 'rules', rules: ['impossible_travel', 'new_device'] });
    expect(flaky.get(input.transaction.transaction_id)).toBe(3);
    expect(await t.verdicts.get(input.transaction.transaction_id)).toEqual(v);
    const published = await publishedVerdicts(t);
    expect(published.filter((p) => p.key === input.transaction.transaction_id).map((p) => p.value)).toEqual([v]);
    const events = (await handle.fetchHistory()).events ?? [];
    expect({
      markers: events.filter((e) => e.markerRecordedEventAttributes).length,
      activityTasks: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
    }).toEqual({ markers: 3, activityTasks: 0 });
    // the worker's own log still sees each attempt: two failed lookups, then one of each
    const rows = await t.attempts.rows([workflowId]);
    expect({ attempts: rows.length, failed: rows.filter((r) => r.failed).length }).toEqual({ attempts: 5, failed: 2 });
  });

  test('the same transaction started twice is one workflow (also after it finished)', async () => {
    const input = flagged(t, [hit('impossible_travel', 0.9)], { customer: 'cust_106' });
    const first = await startReview(t.client, t.target, input);
    const again = await startReview(t.client, t.target, input);
    expect([first.started, again.started]).toEqual([true, false]);
    await t.client.workflow.getHandle(first.workflowId).result();
    expect((await startReview(t.client, t.target, input)).started).toBe(false);
    expect(await auditActivities(t.client, t.attempts, [first.workflowId])).toMatchObject({
      attempts: 3,
      activities: 3,
    });
  });

  test('fails at once, without retrying, on input that can never be valid', async () => {
    const input = flagged(t, [hit('velocity', 0.9)], { customer: 'cust_107' });
    const { workflowId, handle } = await review({
      ...input,
      transaction: { ...input.transaction, customer_id: 'bob' },
    });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activity = (err as WorkflowFailedError).cause;
    expect(activity).toBeInstanceOf(ActivityFailure);
    expect((activity as ActivityFailure).retryState).toBe('NON_RETRYABLE_FAILURE');
    expect((activity as ActivityFailure).cause).toBeInstanceOf(ApplicationFailure);
    expect(((activity as ActivityFailure).cause as ApplicationFailure).type).toBe(INVALID_INPUT);
    expect(await t.attempts.rows([workflowId])).toEqual([]); // rejected before any work was done
  });
});
