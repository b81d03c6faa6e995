import { describe, expect, test } from 'bun:test';
import { defineExercise } from './define.ts';
import { todo } from './missing.ts';
import { describeOutcome, runCheck } from './run.ts';

type Impl = { double: (n: number) => number };
const exercise = (learner: Impl) =>
  defineExercise<Impl>({
    id: '99-1-double',
    title: 'Double it',
    teaches: 'multiplication',
    minutes: 1,
    engines: [],
    learner: async () => learner,
    solution: async () => ({ double: (n) => 2 * n }),
    wrong: async () => ({ double: (n) => n + n + 1 }),
    check: async ({ double }) => ({ ok: double(21) === 42, lines: [`double(21): expected 42, got ${double(21)}`] }),
  });
const untouched = exercise({ double: () => todo('double') });

describe('running a check', () => {
  test('auto, on an untouched exercise: runs the reference and says the learner has not started', async () => {
    const o = await runCheck(untouched, 'auto');
    expect({ ok: o.ok, ran: o.ran, notStarted: o.notStarted }).toEqual({ ok: true, ran: 'solution', notStarted: true });
    expect(describeOutcome(untouched, o)).toContain('the reference solution: you have not started');
  });

  test("on the learner's untouched code: fails, saying where to write", async () => {
    const o = await runCheck(untouched, 'learner');
    expect({ ok: o.ok, notStarted: o.notStarted }).toEqual({ ok: false, notStarted: true });
    expect(o.lines[0]).toContain('write the part marked TODO in exercises/99-1-double/exercise.ts');
  });

  test("on the learner's wrong code: fails with what was expected and what came", async () => {
    const o = await runCheck(exercise({ double: (n) => n + 2 }), 'auto');
    expect({ ok: o.ok, ran: o.ran, lines: o.lines }).toEqual({
      ok: false,
      ran: 'learner',
      lines: ['double(21): expected 42, got 23'],
    });
  });

  test("on the learner's right code: passes, as the learner's", async () => {
    const o = await runCheck(exercise({ double: (n) => n * 2 }), 'auto');
    expect({ ok: o.ok, ran: o.ran, notStarted: o.notStarted }).toEqual({ ok: true, ran: 'learner', notStarted: false });
  });

  test('a learner file that throws something else is a failure, not "not started"', async () => {
    const o = await runCheck(
      exercise({
        double: () => {
          throw new TypeError('oops');
        },
      }),
      'auto',
    );
    expect({ ok: o.ok, ran: o.ran, first: o.lines[0] }).toEqual({
      ok: false,
      ran: 'learner',
      first: 'the check threw: oops',
    });
  });

  test("on the exercise's wrong answer: runs wrong.ts, whatever the learner's file holds", async () => {
    const o = await runCheck(untouched, 'wrong');
    expect({ ok: o.ok, ran: o.ran, notStarted: o.notStarted, lines: o.lines }).toEqual({
      ok: false,
      ran: 'wrong',
      notStarted: false,
      lines: ['double(21): expected 42, got 43'],
    });
    expect(describeOutcome(untouched, o)).toContain('a plausible wrong answer (exercises/99-1-double/wrong.ts)');
  });

  test('tells the check the file of the code it runs: a check that starts a process of its own needs it', async () => {
    const files: string[] = [];
    const e = {
      ...exercise({ double: (n) => n * 2 }),
      check: async (_: Impl, { file }: { file: string }) => (files.push(file), { ok: true, lines: [] }),
    };
    for (const mode of ['learner', 'solution', 'wrong'] as const) await runCheck(e, mode);
    expect(files).toEqual([
      'exercises/99-1-double/exercise.ts',
      'exercises/99-1-double/solution.ts',
      'exercises/99-1-double/wrong.ts',
    ]);
  });

  test('an exercise without a wrong answer fails in that mode, saying so', async () => {
    const o = await runCheck({ ...untouched, wrong: undefined }, 'wrong');
    expect({ ok: o.ok, lines: o.lines }).toEqual({ ok: false, lines: ['exercises/99-1-double has no wrong.ts'] });
  });
});
