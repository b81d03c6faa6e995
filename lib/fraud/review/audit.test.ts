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
const cutOff = { finished: false };

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
      finished_unreported: 0,
      rerun_after_completion: 0,
    });
  });

  test('an attempt cut off by a kill, and one that finished but died before reporting, are at-least-once, not reruns', () => {
    const rows = [row('1', 1, cutOff), row('1', 2), row('2', 1), row('2', 2)];
    const completions = new Map([
      ['wf/1', 2],
      ['wf/2', 2],
    ]);
    expect(auditAttempts(rows, completions)).toEqual({
      attempts: 4,
      activities: 2,
      retried: 2,
      unfinished: 1,
      failed: 0,
      finished_unreported: 1,
      rerun_after_completion: 0,
    });
  });

  describe('when the attempt after a finished, unreported one did not finish', () => {
    test('cut off by a second kill, with no worker left: still counted as finished but unreported', () => {
      const audit = auditAttempts([row('1', 1), row('1', 2, cutOff)], new Map());
      expect({ unfinished: audit.unfinished, finished_unreported: audit.finished_unreported }).toEqual({
        unfinished: 1,
        finished_unreported: 1,
      });
    });

    test('failed, then a third attempt recorded: counted once', () => {
      const rows = [row('1', 1), row('1', 2, { finished: false, failed: true }), row('1', 3)];
      const audit = auditAttempts(rows, new Map([['wf/1', 3]]));
      expect({ failed: audit.failed, finished_unreported: audit.finished_unreported }).toEqual({
        failed: 1,
        finished_unreported: 1,
      });
    });
  });

  test('a finished attempt with nothing after it is not counted: it may still be reporting, or wait for a worker', () => {
    expect(auditAttempts([row('1', 1)], new Map()).finished_unreported).toBe(0);
  });

  test('an attempt after the one the server recorded as completed is a rerun, not an unreported finish', () => {
    const audit = auditAttempts([row('1', 1), row('1', 2)], new Map([['wf/1', 1]]));
    expect({ rerun: audit.rerun_after_completion, finished_unreported: audit.finished_unreported }).toEqual({
      rerun: 1,
      finished_unreported: 0,
    });
  });
});
