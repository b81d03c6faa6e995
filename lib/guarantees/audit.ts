// The audit of one pipeline's run: every input record against the outputs that name it. Lost: an input
// record no output names. Duplicated: the extra outputs of a record named more than once. Foreign: an
// output that names no input record of the run (must never happen). Exact, by record identity. Pure.
import { type Settlement, sourceKey } from './settle.ts';

export type Audit = {
  input: number;
  /** distinct input records with at least one output */
  delivered: number;
  lost: number;
  /** outputs beyond the first for a record */
  duplicated: number;
  /** records written more than once */
  duplicatedRecords: number;
  foreign: number;
  rejected: number;
  /** a few of each, `partition:offset` */
  examples: { lost: string[]; duplicated: string[]; foreign: string[] };
};

const EXAMPLES = 5;

export function audit(inputKeys: Iterable<string>, outputs: Iterable<Pick<Settlement, 'source' | 'outcome'>>): Audit {
  const counts = new Map<string, number>();
  for (const k of inputKeys) counts.set(k, 0);
  const foreign: string[] = [];
  let rejected = 0;
  for (const o of outputs) {
    const k = sourceKey(o.source);
    const n = counts.get(k);
    if (n === undefined) foreign.push(k);
    else {
      counts.set(k, n + 1);
      if (n === 0 && o.outcome === 'rejected') rejected++;
    }
  }
  const lost: string[] = [];
  const dup: string[] = [];
  let duplicated = 0;
  for (const [k, n] of counts) {
    if (n === 0) lost.push(k);
    else if (n > 1) {
      dup.push(k);
      duplicated += n - 1;
    }
  }
  return {
    input: counts.size,
    delivered: counts.size - lost.length,
    lost: lost.length,
    duplicated,
    duplicatedRecords: dup.length,
    foreign: foreign.length,
    rejected,
    examples: {
      lost: lost.slice(0, EXAMPLES),
      duplicated: dup.slice(0, EXAMPLES),
      foreign: foreign.slice(0, EXAMPLES),
    },
  };
}

/** What the guarantee forbids that the audit found, in words (empty: it kept its promise). */
export function broken(a: Audit, promise: { mayLose: boolean; mayDuplicate: boolean }): string[] {
  const out: string[] = [];
  if (!promise.mayLose && a.lost > 0) out.push(`lost ${a.lost} records (e.g. ${a.examples.lost.join(', ')})`);
  if (!promise.mayDuplicate && a.duplicated > 0)
    out.push(`duplicated ${a.duplicated} outputs (e.g. ${a.examples.duplicated.join(', ')})`);
  if (a.foreign > 0) out.push(`${a.foreign} outputs name no input record (e.g. ${a.examples.foreign.join(', ')})`);
  return out;
}
