// The three delivery guarantees lab 07 compares, and the pipelines it runs: each guarantee with each
// sink (a Kafka topic, a SQL table). Pure names, shared by the processing step, the lab, its results
// and its notebook.
import type { Config } from '../config.ts';

export const MODES = ['at-most-once', 'at-least-once', 'exactly-once'] as const;
export type Mode = (typeof MODES)[number];

export const SINKS = ['kafka', 'sql'] as const;
export type Sink = (typeof SINKS)[number];

export type Pipeline = { mode: Mode; sink: Sink };
/** e.g. `exactly-once.sql`: valid in a topic, a group and a table column */
export type PipelineId = `${Mode}.${Sink}`;

export const PIPELINES: readonly Pipeline[] = MODES.flatMap((mode) => SINKS.map((sink) => ({ mode, sink })));
export const pipelineId = (p: Pipeline): PipelineId => `${p.mode}.${p.sink}`;

export function parsePipelineId(id: string): Pipeline | undefined {
  return PIPELINES.find((p) => pipelineId(p) === id);
}

/**
 * Where a crash hurts each guarantee most: between the two steps whose order defines it, or inside the
 * transaction that makes them one. A process told to crash there SIGKILLs itself at that point.
 *
 * `first-durable` is the one a protocol need not name: the effects fire it (step.ts, durable.ts) as soon
 * as the first of a batch's two effects (its outputs, its input position) is durable: a write or an
 * offset commit outside a transaction, or the commit of a transaction that held either. A protocol that
 * makes the two durable one after the other loses or duplicates the batch there; one that makes them
 * durable in one commit loses nothing. It is how the exercises of lab 07 test code they did not write.
 */
export const CRASH_PHASES = ['after-commit', 'after-write', 'in-transaction', 'first-durable'] as const;
export type CrashPhase = (typeof CRASH_PHASES)[number];

export const WORST_CRASH: Record<Mode, CrashPhase> = {
  // the input position is stored, the outputs are not written yet: the batch is lost
  'at-most-once': 'after-commit',
  // the outputs are written, the input position is not stored yet: the batch is processed again
  'at-least-once': 'after-write',
  // the outputs and the position are in an open transaction: both or neither
  'exactly-once': 'in-transaction',
};

/** What each guarantee promises about one input record, after any number of crashes. */
export const PROMISE: Record<Mode, { mayLose: boolean; mayDuplicate: boolean }> = {
  'at-most-once': { mayLose: true, mayDuplicate: false },
  'at-least-once': { mayLose: false, mayDuplicate: true },
  'exactly-once': { mayLose: false, mayDuplicate: false },
};

export type GuaranteeNames = { input: string; output: string; group: string; transactionalId: string };

/**
 * The topics, group and transactional id of one pipeline under `c`'s prefix. A run has a consumer group
 * of its own (no offsets an earlier run left behind; a process starts it at the run's first offsets);
 * the transactional id is the pipeline's, whatever the run: one instance of a pipeline at a time.
 */
export function namesOf(c: Config, p: Pipeline, runId = ''): GuaranteeNames {
  const id = pipelineId(p);
  return {
    input: c.guarantees.input,
    // a Kafka pipeline's outputs; a SQL pipeline writes guarantee_outputs instead
    output: `${c.guarantees.output}.${p.mode}`,
    group: `${c.guarantees.groupPrefix}.${id}${runId ? `.${runId}` : ''}`,
    transactionalId: `${c.guarantees.groupPrefix}.${id}.tx`,
  };
}
