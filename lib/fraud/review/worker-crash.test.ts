// A worker killed in the middle of a review (SIGKILL: no shutdown, nothing flushed) and a new one
// started: the review finishes, and the activities that had completed before the crash are not run
// again. The workers are real child processes running lib/fraud/review/worker-main.ts.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { waitUntil } from '../../wait.ts';
import { useEngines } from '../../testing/engines.ts';
import { auditActivities } from './audit.ts';
import { queryReview, sendDecision, startReview } from './client.ts';
import type { Verdict } from './schemas.ts';
import { type FraudTestEnv, flagged, hit, setupFraudTestEnv, spawnStallingWorker } from './testing.ts';
import type { AttemptRow } from './audit.ts';
import type { Child } from '../../child.ts';
import { spawnWorker } from './worker-process.ts';

useEngines('kafka', 'db', 'temporal');

let t: FraudTestEnv;
const workers: Child[] = [];

beforeAll(async () => {
  t = await setupFraudTestEnv();
});

// each test's workers go with it: one left polling the shared task queue would take the next test's tasks
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop();
});

afterAll(async () => {
  await t?.cleanup();
});

describe('a review worker killed mid-workflow', () => {
  test('the review completes on a new worker without re-running completed activities', async () => {
    const first = spawnWorker(t.env);
    workers.push(first);
    expect(await first.ready).toMatchObject({ pid: first.pid, runtime: expect.stringMatching(/^bun /) });

    // a review that holds: three activities done (history, save hold, publish hold), waiting for an analyst
    const input = flagged(t, [hit('velocity', 0.6)], { customer: 'cust_201' });
    const { workflowId } = await startReview(t.client, t.target, input);
    await waitUntil(
      'the review to hold',
      async () => ((await queryReview(t.client, workflowId)).phase === 'held' ? true : undefined),
      { timeoutMs: 30_000 },
    );
    // held once the hold is stored; wait for its publish too, so the kill finds the workflow waiting
    await waitUntil(
      'the hold to be published',
      async () => {
        const rows = await t.attempts.rows([workflowId]);
        return rows.length === 3 && rows.every((r) => r.finished) ? rows : undefined;
      },
      { timeoutMs: 30_000 },
    );

    expect(await first.kill()).not.toBe(0);
    // the analyst answers while no worker runs: the server keeps the signal
    await sendDecision(t.client, workflowId, { decision: 'decline', analyst: 'bob' });

    const second = spawnWorker(t.env);
    workers.push(second);
    await second.ready;
    const v: Verdict = await t.client.workflow.getHandle(workflowId).result();
    expect(v).toMatchObject({ verdict: 'decline', decided_by: 'analyst', analyst: 'bob' });
    // two more activities (save, publish the final verdict); the first three ran once, on the first worker
    expect(await auditActivities(t.client, t.attempts, [workflowId])).toEqual({
      attempts: 5,
      activities: 5,
      retried: 0,
      unfinished: 0,
      failed: 0,
      finished_unreported: 0,
      rerun_after_completion: 0,
    });
    const [rows] = await t.pool.query(
      `SELECT activity_id, worker_pid FROM ${t.config.fraud.tables.activityLog} WHERE workflow_id = ? ORDER BY CAST(activity_id AS UNSIGNED)`,
      [workflowId],
    );
    expect((rows as { worker_pid: number }[]).map((r) => r.worker_pid)).toEqual([
      first.pid,
      first.pid,
      first.pid,
      second.pid,
      second.pid,
    ]);
  });
});

describe('a review worker killed after an activity finished its work, before it reported it', () => {
  // saveVerdict (activity 2) of a review that declines at once: attempt 1 writes the verdict and logs it
  // done, then its worker is killed before reporting; the server times the attempt out (10 s) and hands
  // attempt 2 to a second worker, killed in the middle of it; a third worker finishes the review.
  const logged = (workflowId: string, want: (rows: AttemptRow[]) => boolean) =>
    waitUntil(
      `${workflowId}'s activity log`,
      async () => {
        const rows = await t.attempts.rows([workflowId]);
        return want(rows) ? rows : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
  const saveAttempt = (rows: AttemptRow[], attempt: number) =>
    rows.find((r) => r.activity_id === '2' && r.attempt === attempt);

  test('the audit counts it as finished but unreported, and run again, whether or not the next attempt finished', async () => {
    const first = spawnStallingWorker(t, 'saveVerdict', 'after');
    workers.push(first);
    await first.ready;
    const input = flagged(t, [hit('impossible_travel', 0.75), hit('new_device', 0.35)], { customer: 'cust_202' });
    const { workflowId } = await startReview(t.client, t.target, input);
    await logged(workflowId, (rows) => saveAttempt(rows, 1)?.finished === true);
    expect(await first.kill()).not.toBe(0);

    const second = spawnStallingWorker(t, 'saveVerdict', 'during');
    workers.push(second);
    await second.ready;
    await logged(workflowId, (rows) => saveAttempt(rows, 2) !== undefined);
    expect(await second.kill()).not.toBe(0);

    // no worker runs: attempt 1 finished its work unreported, attempt 2 was cut off
    expect(await auditActivities(t.client, t.attempts, [workflowId])).toEqual({
      attempts: 3,
      activities: 2,
      retried: 1,
      unfinished: 1,
      failed: 0,
      finished_unreported: 1,
      rerun_after_completion: 0,
    });

    const third = spawnWorker(t.env);
    workers.push(third);
    await third.ready;
    const v: Verdict = await t.client.workflow.getHandle(workflowId).result();
    expect(v).toMatchObject({ verdict: 'decline', decided_by: 'rules' });
    // attempt 3 of saveVerdict is the one the server recorded; then publishVerdict, once
    expect(await auditActivities(t.client, t.attempts, [workflowId])).toEqual({
      attempts: 5,
      activities: 3,
      retried: 1,
      unfinished: 1,
      failed: 0,
      finished_unreported: 1,
      rerun_after_completion: 0,
    });
  });
});
