// Did any activity run again after Temporal had recorded it as completed? The activity log (our
// table) says which attempts ran and which finished their work; each workflow's history (the
// server's) says which attempt it recorded as completed. Together they separate the cases a crash
// produces:
// - an attempt cut off by the kill: it never finished, the server times it out and runs another;
// - an attempt that finished its work but whose worker died before reporting it: the log says done,
//   the server never recorded it, and another attempt follows (whether or not that one gets to
//   finish) — at-least-once, and why every write is idempotent;
// - an attempt after the one the server recorded as completed: must never happen (that is durability).
import type { Client } from '@temporalio/client';

export type AttemptRow = {
  workflow_id: string;
  activity_id: string;
  attempt: number;
  finished: boolean;
  failed: boolean;
};

export type ActivityAudit = {
  /** attempts started */
  attempts: number;
  /** distinct scheduled activities */
  activities: number;
  /** activities with more than one attempt */
  retried: number;
  /** attempts that never finished (their worker was killed) */
  unfinished: number;
  /** attempts that failed with an error (and were retried) */
  failed: number;
  /** activities with an attempt that finished its work, was not the one the server recorded as completed,
   *  and was followed by another attempt: its worker died between finishing and reporting */
  finished_unreported: number;
  /** attempts after the one the server recorded as completed: must be 0 */
  rerun_after_completion: number;
};

/** workflow id / activity id → the attempt the server recorded as completed */
export type ServerCompletions = Map<string, number>;

const key = (workflowId: string, activityId: string) => `${workflowId}/${activityId}`;

export function auditAttempts(rows: readonly AttemptRow[], completions: ServerCompletions): ActivityAudit {
  const byActivity = Map.groupBy(rows, (r) => key(r.workflow_id, r.activity_id));
  let rerun = 0;
  let unreported = 0;
  for (const [k, attempts] of byActivity) {
    const completed = completions.get(k);
    if (completed !== undefined) rerun += attempts.filter((a) => a.attempt > completed).length;
    const last = Math.max(...attempts.map((a) => a.attempt));
    if (attempts.some((a) => a.finished && a.attempt !== completed && a.attempt < last)) unreported++;
  }
  return {
    attempts: rows.length,
    activities: byActivity.size,
    retried: [...byActivity.values()].filter((a) => a.length > 1).length,
    unfinished: rows.filter((r) => !r.finished && !r.failed).length,
    failed: rows.filter((r) => r.failed).length,
    finished_unreported: unreported,
    rerun_after_completion: rerun,
  };
}

const num = (x: unknown) => Number(String(x ?? 0));

/** Reads each workflow's history: which attempt of which activity the server recorded as completed. */
export async function serverCompletions(client: Client, workflowIds: readonly string[]): Promise<ServerCompletions> {
  const out: ServerCompletions = new Map();
  for (const workflowId of workflowIds) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const scheduled = new Map<number, string>(); // event id → activity id
    const started = new Map<number, number>(); // event id → attempt
    for (const e of history.events ?? []) {
      const id = num(e.eventId);
      if (e.activityTaskScheduledEventAttributes)
        scheduled.set(id, e.activityTaskScheduledEventAttributes.activityId ?? '');
      else if (e.activityTaskStartedEventAttributes) started.set(id, e.activityTaskStartedEventAttributes.attempt ?? 0);
      else if (e.activityTaskCompletedEventAttributes) {
        const a = e.activityTaskCompletedEventAttributes;
        const activityId = scheduled.get(num(a.scheduledEventId));
        const attempt = started.get(num(a.startedEventId));
        if (activityId !== undefined && attempt !== undefined) out.set(key(workflowId, activityId), attempt);
      }
    }
  }
  return out;
}

/** The audit of these workflows' activities: the log's attempts against the server's completions. */
export async function auditActivities(
  client: Client,
  log: { rows(ids: readonly string[]): Promise<AttemptRow[]> },
  workflowIds: readonly string[],
): Promise<ActivityAudit> {
  const [rows, completions] = await Promise.all([log.rows(workflowIds), serverCompletions(client, workflowIds)]);
  return auditAttempts(rows, completions);
}
