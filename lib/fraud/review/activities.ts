// The review's activities: everything that touches the outside world (the database, Kafka). Built
// from their dependencies, Temporal-samples style (`createActivities(deps)`), so tests pass their own.
// Inputs are validated: one that cannot be valid fails at once, non-retryable; anything else (a
// timeout, a broker or database hiccup) is retried by Temporal with the workflow's retry policy. Each
// attempt is written to the activity log, when one is given.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { z } from 'zod';
import { describeIssues } from '../../schema.ts';
import { INVALID_INPUT } from './errors.ts';
import type { VerdictPublisher } from './publisher.ts';
import { type CustomerHistory, HistoryRequest, Verdict } from './schemas.ts';
import type { ActivityLog, AttemptKey } from './sql/activity-log.ts';
import type { HistoryReader } from './sql/history.ts';
import type { VerdictStore } from './sql/verdicts.ts';

export type ActivityDeps = {
  history: HistoryReader;
  verdicts: Pick<VerdictStore, 'upsert'>;
  publisher: VerdictPublisher;
  attempts?: Pick<ActivityLog, 'started' | 'finished'>;
};

export function createActivities(deps: ActivityDeps) {
  return {
    async loadCustomerHistory(req: HistoryRequest): Promise<CustomerHistory> {
      const valid = parse(HistoryRequest, req);
      return logged(deps, () => deps.history.customerHistory(valid));
    },
    async saveVerdict(v: Verdict): Promise<void> {
      const valid = parse(Verdict, v);
      await logged(deps, () => deps.verdicts.upsert(valid));
    },
    async publishVerdict(v: Verdict): Promise<void> {
      const valid = parse(Verdict, v);
      await logged(deps, () => deps.publisher.publish(valid));
    },
  };
}

export type ReviewActivities = ReturnType<typeof createActivities>;

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const { activityType, workflowExecution } = Context.current().info;
  throw ApplicationFailure.create({
    type: INVALID_INPUT,
    nonRetryable: true,
    message: `${activityType} for ${workflowExecution?.workflowId ?? '?'}: invalid input: ${describeIssues(r.error)}`,
  });
}

async function logged<T>(deps: ActivityDeps, f: () => Promise<T>): Promise<T> {
  if (!deps.attempts) return f();
  const info = Context.current().info;
  const key: AttemptKey = {
    workflowId: info.workflowExecution?.workflowId ?? '-',
    activityId: info.activityId,
    attempt: info.attempt,
    activityType: info.activityType,
  };
  await deps.attempts.started(key);
  try {
    const result = await f();
    await deps.attempts.finished(key);
    return result;
  } catch (e) {
    await deps.attempts.finished(key, (e as Error).message).catch(() => {});
    throw e;
  }
}
