// An exercise of the course: a folder exercises/NN-k-name/ with a README (goal, input, expected output,
// hints, discussion), the learner's file (exercise.ts, a marked part that throws MissingSolution until
// written), the reference solution (solution.ts, same exports), a plausible wrong answer (wrong.ts, the
// reference with one classic mistake, same exports) and check.ts, which default-exports the
// definition below. The check runs an implementation on the real engines with a seeded input and
// compares what comes out with exact expected answers.
import type { EngineName } from '../stack/index.ts';

/** What a check found: ok or not, and the lines that say what was expected and what came. */
export type CheckResult = { ok: boolean; lines: string[] };

/** What a check is told besides the implementation: for a check that runs it in a process of its own. */
export type CheckContext = {
  /** the implementation's file from the project root: exercises/ID/exercise.ts, solution.ts or wrong.ts */
  file: string;
};

export type Exercise<I> = {
  /** the folder name, e.g. `06-1-hopping-windows` */
  id: string;
  title: string;
  /** the concept, in a line */
  teaches: string;
  /** about how long it takes a learner, minutes */
  minutes: number;
  /** engines the check needs (started if they are not running) */
  engines: EngineName[];
  /** the learner's implementation and the reference (dynamic imports, so a broken file fails only its check) */
  learner: () => Promise<I>;
  solution: () => Promise<I>;
  /** a plausible wrong answer (wrong.ts, the reference with one classic mistake); the tests check the check fails on it */
  wrong?: () => Promise<I>;
  /** runs `impl` on the engines; throws MissingSolution (from the learner's file) when it is not written */
  check: (impl: I, ctx: CheckContext) => Promise<CheckResult>;
};

export const defineExercise = <I>(e: Exercise<I>): Exercise<I> => e;

/** Whole-value comparison for checks: the first few differences between two keyed collections, in words. */
export function compareKeyed<T>(
  expected: ReadonlyMap<string, T>,
  got: ReadonlyMap<string, T>,
  show: (x: T) => string,
  limit = 6,
): { ok: boolean; lines: string[] } {
  const lines: string[] = [];
  let wrong = 0;
  for (const [k, e] of expected) {
    const g = got.get(k);
    const [se, sg] = [show(e), g === undefined ? 'nothing' : show(g)];
    if (se === sg) continue;
    if (++wrong <= limit) lines.push(`  ${k}: expected ${se}, got ${sg}`);
  }
  for (const [k, g] of got) {
    if (expected.has(k)) continue;
    if (++wrong <= limit) lines.push(`  ${k}: not expected, got ${show(g)}`);
  }
  if (wrong > limit) lines.push(`  … and ${wrong - limit} more`);
  return { ok: wrong === 0, lines: [`${expected.size} expected, ${got.size} came, ${wrong} differ`, ...lines] };
}
