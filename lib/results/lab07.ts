// Shape of data/07-guarantees.json: the same seeded input put through six pipelines (three delivery
// guarantees × a Kafka topic or a SQL table as the sink), each under each fault, audited record by record;
// what each guarantee costs without faults; and three facts about Kafka transactions watched on the
// broker (a zombie fenced, a read_committed stall, the transaction rate against the retry backoff).
import { z } from 'zod';
import { CRASH_PHASES, MODES, SINKS } from '../guarantees/modes.ts';
import { Percentiles, RunEnvelope } from './common.ts';

export const FAULTS = ['worst-crash', 'random-kills', 'broker-restart'] as const;
export const Fault = z.enum(FAULTS);
export type Fault = z.infer<typeof Fault>;

const Count = z.number().int().nonnegative();
const PipelineRef = z.object({ id: z.string(), mode: z.enum(MODES), sink: z.enum(SINKS) });

export const AuditResult = z.object({
  input: Count,
  delivered: Count,
  lost: Count,
  /** outputs beyond the first for a record */
  duplicated: Count,
  duplicated_records: Count,
  rejected: Count,
  foreign: Count,
  /** Kafka sink: duplicates a read_uncommitted reader sees (aborted transactions' records are in the log); null for SQL */
  uncommitted_duplicated: Count.nullable(),
  examples: z.object({ lost: z.array(z.string()), duplicated: z.array(z.string()) }),
});
export type AuditResult = z.infer<typeof AuditResult>;

export const FaultRun = z.object({
  fault: Fault,
  pipeline: PipelineRef,
  audit: AuditResult,
  /** worst-crash: the batch the crash interrupted, and what the guarantee predicts from it */
  crash: z
    .object({
      phase: z.enum(CRASH_PHASES),
      batch: Count,
      records: Count,
      predicted_lost: Count,
      predicted_duplicated: Count,
    })
    .nullable(),
  kills: Count,
  /** exits the pipeline made by itself (errors, e.g. the broker gone), each followed by a restart */
  exits: Count,
  processes: Count,
  ms: z.number().nonnegative(),
  /** what the guarantee forbids that the audit found, or a prediction the audit did not confirm; empty: kept */
  broken: z.array(z.string()),
});
export type FaultRun = z.infer<typeof FaultRun>;

export const CostRun = z.object({
  pipeline: PipelineRef,
  records: Count,
  /** first batch done to the last */
  busy_ms: z.number().nonnegative(),
  per_s: z.number().nonnegative(),
  /** one batch: handed in → outputs written and position stored, ms */
  batch_ms: Percentiles,
  batch_records: z.number().nonnegative(),
});
export type CostRun = z.infer<typeof CostRun>;

export const Lab07Result = RunEnvelope.extend({
  lab: z.literal('07-guarantees'),
  parameters: z.object({
    events: Count,
    bad: Count,
    batch: Count,
    kills: Count,
    crash_batch: Count,
    faults: z.array(Fault),
    seed: z.number().int(),
    partitions: Count,
    transaction_timeout_ms: Count,
    transaction_retry_ms: Count,
    input_topic: z.string(),
  }),
  metrics: z.object({
    faults: z.array(FaultRun),
    /** broker-restart skipped because the broker is not the embedded one, say why */
    skipped: z.array(z.object({ fault: Fault, why: z.string() })),
    cost: z.array(CostRun),
    fencing: z.object({
      after_connect: z.object({ committed: z.boolean(), error: z.string().nullable() }),
      after_init: z.object({ committed: z.boolean(), error: z.string().nullable() }),
      visible: z.array(z.string()),
    }),
    stall: z.object({ timeout_ms: Count, stall_ms: z.number(), uncommitted_ms: z.number() }),
    transaction_rate: z.array(z.object({ initial_retry_time_ms: Count, transactions: Count, per_s: z.number() })),
    /** every guarantee kept its promise and every prediction held */
    ok: z.boolean(),
  }),
  samples: z.object({
    /** the abandoned transaction: each record written after it, when sent and when each reader first saw it (s) */
    stall: z.array(
      z.object({
        sent_s: z.number(),
        committed_seen_s: z.number().nullable(),
        uncommitted_seen_s: z.number().nullable(),
      }),
    ),
    /** external SIGKILLs: which pipeline, when in its run, after how many records of that process */
    kills: z.array(z.object({ fault: Fault, pipeline: z.string(), at_s: z.number(), records: Count })),
  }),
});
export type Lab07Result = z.infer<typeof Lab07Result>;
