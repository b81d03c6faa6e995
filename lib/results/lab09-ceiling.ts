// Shape of lab 09's ceiling of the whole pipeline (lib/scale/ceiling.ts), as data/09-scale.json holds it:
// the ramp's samples (each stage's lag and pace, each process's CPU), one row per step with its verdict,
// the highest sustained rate, where and why the pipeline saturated, and seed 001's claim beside it.
// lib/results/lab09.ts composes it.
import { z } from 'zod';
import type { CeilingReport } from '../scale/ceiling.ts';
import { ENDED_BY, PROCESSES, STAGES } from '../scale/saturation.ts';

const Count = z.number().int().nonnegative();
const Rate = z.number().nonnegative();
const Seconds = z.number().nonnegative();
const Step = z.number().int().nonnegative();
const Stage = z.enum(STAGES);
const ProcessName = z.enum(PROCESSES);

/** % of one core per process; null where it could not be read (an engine that is not the embedded stack's) */
const Cpu = z.record(ProcessName, z.number().nonnegative().nullable());

export const StageReading = z.object({ lag_records: Count, lag_s: Seconds, per_s: z.number() });

export const CeilingSample = z.object({
  t_s: Seconds,
  step: Step,
  offered_per_s: Rate,
  stages: z.record(Stage, StageReading),
  cpu: Cpu,
  machine_busy_pct: z.number().nullable(),
});
export type CeilingSample = z.infer<typeof CeilingSample>;

export const StageVerdict = z.object({
  lag_end_s: Seconds,
  lag_end_records: Count,
  lag_max_s: Seconds,
  per_s: z.number(),
  growth_s_per_s: z.number(),
  growing: z.boolean(),
  behind_from_s: Seconds.nullable(),
});

export const CeilingStep = z.object({
  step: Step,
  offered_per_s: Rate,
  started_s: Seconds,
  seconds: Seconds,
  achieved_per_s: Rate,
  produced: z.object({ scheduled: Count, sent: Count, acked: Count, failed: Count }),
  sustained: z.boolean(),
  behind: z.array(Stage),
  down: z.array(Stage),
  stages: z.record(Stage, StageVerdict),
  cpu: Cpu,
  machine_busy_pct: z.number().nullable(),
  other_cpu_pct: z.number().nonnegative().nullable(),
  fraud: z.object({
    assessed: z.number().int(),
    risky: z.number().int(),
    reviews_started: z.number().int(),
    reviews_finished: z.number().int(),
    in_flight_end: Count,
    submit_ms_mean: z.number().nonnegative().nullable(),
    slot_waits: z.number().int(),
  }),
});
export type CeilingStep = z.infer<typeof CeilingStep>;

export const Saturation = z.object({
  step: Step,
  offered_per_s: Rate,
  stage: Stage,
  behind_from_s: Seconds,
  lag_end_s: Seconds,
  behind: z.array(Stage),
  down: z.boolean(),
  first_growing: z.object({ step: Step, offered_per_s: Rate, stage: Stage, growth_s_per_s: z.number() }).nullable(),
  hottest: z.object({ process: ProcessName, cpu_pct: z.number() }).nullable(),
});

export const Lab09Ceiling = z.object({
  parameters: z.object({
    rates: z.array(z.number().positive()).min(1),
    step_s: z.number().positive(),
    sample_ms: z.number().positive(),
    rule: z.object({
      max_lag_s: z.number().positive(),
      end_samples: z.number().int().positive(),
      growth_s_per_s: z.number(),
    }),
    until_max: z.boolean(),
    budget_s: z.number().positive(),
    customers: z.number().int().positive(),
    seed: z.number().int().nonnegative(),
    partitions: z.number().int().positive(),
    sinks: z.number().int().positive(),
    hold_timeout_s: z.number().positive(),
    max_in_flight: z.number().int().positive(),
    prefix: z.string(),
  }),
  cores: z.number().int().positive(),
  pids: z.record(ProcessName, z.array(z.number().int().positive())),
  steps: z.array(CeilingStep),
  samples: z.array(CeilingSample),
  ceiling: z.object({
    step: Step.nullable(),
    offered_per_s: Rate.nullable(),
    events_per_s: Rate.nullable(),
    saturation: Saturation.nullable(),
  }),
  claim: z.object({
    claim_events_per_s: Rate,
    measured_events_per_s: Rate,
    ratio: z.number().nonnegative(),
    met: z.boolean(),
    source: z.string(),
  }),
  ended_by: z.enum(ENDED_BY),
  crash: z
    .object({
      process: ProcessName,
      stage: Stage,
      pid: z.number().int().positive(),
      code: z.number().int(),
      step: Step,
      at_s: Seconds,
      last_lines: z.array(z.string()),
    })
    .nullable(),
  summary: z.string(),
  seconds: z.object({ setup: Seconds, ramp: Seconds, teardown: Seconds }),
  interrupted: z.boolean(),
}) satisfies z.ZodType<CeilingReport>;
export type Lab09Ceiling = z.infer<typeof Lab09Ceiling>;
