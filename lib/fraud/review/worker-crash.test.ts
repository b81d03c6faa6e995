// A worker killed in the middle of a review (SIGKILL: no shutdown, nothing flushed) and a new one
// started: the review finishes, and the activities that had completed before the crash are not run
// again. The workers are real child processes running lib/fraud/review/worker-main.ts.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { waitUntil } from '../../wait.ts';
import { useEngines } from '../../testing/engines.ts';
import { auditActivities } from './audit.ts';
import { queryReview, sendDecision, startReview } from './client.ts';
import type { Verdict } from './schemas.ts';
import { type FraudTestEnv, flagged, hit, setupFraudTestEnv } from './testing.ts';
import { type WorkerProcess, spawnWorker } from './worker-process.ts';

useEngines('kafka', 'db', 'temporal');

let t: FraudTestEnv;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  t = await setupFraudTestEnv();
});

afterAll(async () => {
  for (const w of workers) await w.stop();
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
      finished_twice: 0,
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
