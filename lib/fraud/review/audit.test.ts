import { describe, expect, test } from 'bun:test';
import { type AttemptRow, auditAttempts } from './audit.ts';

const row = (activity_id: string, attempt: number, over: Partial<AttemptRow> = {}): AttemptRow => ({
  workflow_id: 'wf',
  activity_id,
  attempt,
  finished: true,
  failed: false,
  ...over,
});

describe('activity audit', () => {
  test('a clean run: one attempt per activity, each the one the server recorded', () => {
    const completions = new Map([
      ['wf/1', 1],
      ['wf/2', 1],
    ]);
    expect(auditAttempts([row('1', 1), row('2', 1)], completions)).toEqual({
      attempts: 2,
      activities: 2,
      retried: 0,
      unfinished: 0,
      failed: 0,
      finished_twice: 0,
      rerun_after_completion: 0,
    });
  });

  test('an attempt cut off by a kill, and one that finished but died before reporting, are at-least-once, not reruns', () => {
    const rows = [row('1', 1, { finished: false }), row('1', 2), row('2', 1), row('2', 2)];
    const completions = new Map([
      ['wf/1', 2],
      ['wf/2', 2],
    ]);
    expect(auditAttempts(rows, completions)).toMatchObject({
      attempts: 4,
      retried: 2,
      unfinished: 1,
      finished_twice: 1,
      rerun_after_completion: 0,
    });
  });

  test('an attempt after the one the server recorded as completed is a rerun', () => {
    expect(auditAttempts([row('1', 1), row('1', 2)], new Map([['wf/1', 1]])).rerun_after_completion).toBe(1);
  });
});
