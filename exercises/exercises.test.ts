// Every exercise's check, as `npm test` runs it: on the learner's code once started, on the reference
// solution until then (so a fresh clone is green); and, while a file is untouched, that checking the
// learner's code says where to write; and that each check fails on a plausible wrong answer
// (exercises/NN-k-name/wrong.ts), so no check passes whatever it is given.
import { describe, expect, test } from 'bun:test';
import { exerciseIds, loadExercise } from '../lib/exercises/catalog.ts';
import { describeOutcome, runCheck } from '../lib/exercises/run.ts';
import { useEngines } from '../lib/testing/engines.ts';

const exercises = await Promise.all(exerciseIds().map(loadExercise));
// every engine some check needs (Kafka, MariaDB, Temporal, Prometheus)
useEngines(...new Set(exercises.flatMap((e) => e.engines)));

describe('the exercises', () => {
  test('there are some, each a folder with a README, the learner file, a solution, a wrong answer and a check', async () => {
    expect(exercises.length).toBeGreaterThan(0);
    for (const e of exercises) {
      const id = e.id;
      expect({ id: e.id, title: e.title.length > 0, minutes: e.minutes > 0, wrong: typeof e.wrong }).toEqual({
        id,
        title: true,
        minutes: true,
        wrong: 'function',
      });
      for (const f of ['README.md', 'exercise.ts', 'solution.ts', 'wrong.ts'])
        expect({ id, f, exists: await Bun.file(`${import.meta.dir}/${id}/${f}`).exists() }).toEqual({
          id,
          f,
          exists: true,
        });
    }
  });

  for (const e of exercises) {
    const id = e.id;
    test(`${id}: the check passes (on the learner's code once started, else on the reference)`, async () => {
      const o = await runCheck(e, 'auto');
      if (!o.ok) console.error(describeOutcome(e, o));
      expect(o.ok).toBe(true);
      if (o.notStarted) {
        // untouched, as in a fresh clone: checking the learner's code says so, and where to write
        const mine = await runCheck(e, 'learner');
        expect({ ok: mine.ok, notStarted: mine.notStarted }).toEqual({ ok: false, notStarted: true });
        expect(mine.lines[0]).toContain(`write the part marked TODO in exercises/${id}/exercise.ts`);
      }
    }, 60_000);

    test(`${id}: fails on a plausible wrong answer (wrong.ts)`, async () => {
      const o = await runCheck(e, 'wrong');
      if (o.ok) console.error(describeOutcome(e, o));
      expect(o.ok).toBe(false);
      expect(o.lines.length).toBeGreaterThan(0);
      // it fails on what the answer does, not by crashing
      expect(o.lines[0]).not.toStartWith('the check threw');
    }, 60_000);
  }
});
