// Running an exercise's check: on the learner's code, on the reference, or (`auto`, what `npm test`
// does) on the learner's code once it is started and on the reference until then, saying which; or
// (`wrong`, for the tests) on the exercise's plausible wrong answer, which the check must fail. The
// outcome is one readable block: what ran, pass or fail, what was expected and what came.
import type { Exercise } from './define.ts';
import { isMissingSolution } from './missing.ts';

export type Mode = 'auto' | 'learner' | 'solution' | 'wrong';

export type Outcome = {
  id: string;
  ok: boolean;
  /** whose code the check ran */
  ran: 'learner' | 'solution' | 'wrong';
  /** the learner's file still throws MissingSolution */
  notStarted: boolean;
  lines: string[];
  ms: number;
};

export async function runCheck<I>(e: Exercise<I>, mode: Mode): Promise<Outcome> {
  const t0 = performance.now();
  const done = (o: Omit<Outcome, 'id' | 'ms'>): Outcome => ({ id: e.id, ms: performance.now() - t0, ...o });
  if (mode === 'solution') return done({ ...(await attempt(e, 'solution')), ran: 'solution', notStarted: false });
  if (mode === 'wrong') {
    if (!e.wrong)
      return done({ ok: false, ran: 'wrong', notStarted: false, lines: [`exercises/${e.id} has no wrong.ts`] });
    return done({ ...(await attempt(e, 'wrong')), ran: 'wrong', notStarted: false });
  }
  const mine = await attempt(e, 'learner');
  if (!mine.missing) return done({ ...mine, ran: 'learner', notStarted: false });
  if (mode === 'learner')
    return done({
      ok: false,
      ran: 'learner',
      notStarted: true,
      lines: [
        `not started (or not finished): write the part marked TODO in exercises/${e.id}/exercise.ts (${mine.lines[0]})`,
      ],
    });
  return done({ ...(await attempt(e, 'solution')), ran: 'solution', notStarted: true });
}

async function attempt<I>(e: Exercise<I>, who: 'learner' | 'solution' | 'wrong') {
  try {
    const impl = await (who === 'learner' ? e.learner() : who === 'wrong' ? e.wrong!() : e.solution());
    const file = `exercises/${e.id}/${who === 'learner' ? 'exercise' : who}.ts`;
    const r = await e.check(impl, { file });
    return { ok: r.ok, lines: r.lines, missing: false };
  } catch (err) {
    if (isMissingSolution(err)) return { ok: false, lines: [(err as Error).message], missing: true };
    const where = String((err as Error)?.stack ?? '')
      .split('\n')
      .find((l) => /\/exercises\/\d\d-\d+-/.test(l))
      ?.trim();
    return {
      ok: false,
      lines: [`the check threw: ${(err as Error)?.message ?? String(err)}${where ? `\n    ${where}` : ''}`],
      missing: false,
    };
  }
}

/** The outcome as a block for the terminal. */
export function describeOutcome<I>(e: Exercise<I>, o: Outcome): string {
  const whose =
    o.ran === 'learner'
      ? `your code (exercises/${e.id}/exercise.ts)`
      : o.notStarted
        ? `the reference solution: you have not started, or not finished (exercises/${e.id}/exercise.ts still throws MissingSolution)`
        : o.ran === 'wrong'
          ? `a plausible wrong answer (exercises/${e.id}/wrong.ts)`
          : 'the reference solution';
  return [
    `${e.id} — ${e.title}`,
    `  ran: ${whose}`,
    `  ${o.ok ? 'PASS' : 'FAIL'} in ${(o.ms / 1000).toFixed(1)} s`,
    ...o.lines.map((l) => `  ${l}`),
  ].join('\n');
}
