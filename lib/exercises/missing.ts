// What a learner's file throws until its marked part is written: the checks tell "not started yet"
// from "started and wrong" by this class, and fall back to the reference solution for the first.
export class MissingSolution extends Error {
  constructor(readonly what: string) {
    super(`not written yet: ${what}`);
    this.name = 'MissingSolution';
  }
}

/** The body of a function the learner writes: `return todo('the hopping-window assigner')`. */
export function todo(what: string): never {
  throw new MissingSolution(what);
}

export const isMissingSolution = (e: unknown): e is MissingSolution =>
  e instanceof MissingSolution || (e as Error)?.name === 'MissingSolution';
