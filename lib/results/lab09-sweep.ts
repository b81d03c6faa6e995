// The parts of data/09-scale.json that lab 09's sweeps and rebalance timings write (lib/scale/sweep.ts,
// lib/scale/rebalance.ts): the producer's fill per cluster size, each sweep point (throughput, lag over
// time, CPU by process, the idle member of C = P + 1), and each rebalance's pause, moves and latency.
// lib/results/lab09.ts composes them into the lab's file.
import { z } from 'zod';
import type {
  PartitionMove as PartitionMoveShape,
  RebalanceEvent as RebalanceEventShape,
  RebalanceResult as RebalanceResultShape,
} from '../scale/rebalance.ts';
import type {
  FillResult as FillResultShape,
  SweepPoint as SweepPointShape,
  SweepResult as SweepResultShape,
} from '../scale/sweep.ts';
import { Percentiles } from './common.ts';
import { CpuUse, MachineUse } from './cpu.ts';

const Count = z.number().int().nonnegative();
const Ms = z.number().nonnegative();
/** ms relative to an event: can be before it */
const RelMs = z.number();

export const LagSample = z.object({ t_ms: Ms, lag: Count, consumed: Count });
export type LagSample = z.infer<typeof LagSample>;

export const SweepMember = z.object({
  name: z.string(),
  pid: z.number().int().positive(),
  partitions: z.array(Count),
  records: Count,
  batches: Count,
  first_batch_ms: Ms.nullable(),
});

export const SweepPoint = z.object({
  brokers: z.number().int().positive(),
  partitions: z.number().int().positive(),
  consumers: z.number().int().positive(),
  batch: z.number().int().positive(),
  events: Count,
  group: z.string(),
  ready_ms: Ms,
  first_assignment_ms: Ms,
  settled_ms: Ms,
  drain_ms: Ms,
  records_per_s: Count,
  records: Count,
  bad: Count,
  idle_members: Count,
  members: z.array(SweepMember),
  lag: z.array(LagSample),
  cpu: z.array(CpuUse),
  machine: MachineUse,
}) satisfies z.ZodType<SweepPointShape>;
export type SweepPoint = z.infer<typeof SweepPoint>;

export const FillResult = z.object({
  brokers: z.number().int().positive(),
  partitions: z.number().int().positive(),
  topic: z.string(),
  events: Count,
  acked: Count,
  failed: Count,
  ms: Ms,
  records_per_s: Count,
  cpu: z.array(CpuUse),
  machine: MachineUse,
}) satisfies z.ZodType<FillResultShape>;
export type FillResult = z.infer<typeof FillResult>;

export const SweepResult = z.object({
  parameters: z.object({
    brokers: z.array(z.number().int().positive()),
    partitions: z.array(z.number().int().positive()),
    consumers: z.array(z.number().int().positive()).nullable(),
    full: z.boolean(),
    batches: z.array(z.number().int().positive()),
    events: Count,
    seed: z.number().int(),
    heap_mb: z.number().int().positive(),
    session_timeout_ms: Ms,
  }),
  clusters: z.array(
    z.object({
      brokers: z.number().int().positive(),
      heap_mb: z.number().int().positive(),
      start_ms: Ms,
      fills: z.array(FillResult),
    }),
  ),
  points: z.array(SweepPoint),
  notes: z.array(z.string()),
  ms: Ms,
}) satisfies z.ZodType<SweepResultShape>;
export type SweepResult = z.infer<typeof SweepResult>;

export const REBALANCE_KINDS = ['join', 'leave', 'crash'] as const;

export const PartitionMove = z.object({
  partition: Count,
  from: z.string().nullable(),
  to: z.string().nullable(),
  gap_ms: Ms,
  gap_start_ms: RelMs,
  gap_end_ms: RelMs,
  assigned_ms: RelMs.nullable(),
}) satisfies z.ZodType<PartitionMoveShape>;
export type PartitionMove = z.infer<typeof PartitionMove>;

export const RebalanceEvent = z.object({
  kind: z.enum(REBALANCE_KINDS),
  member: z.string(),
  at_ms: Ms,
  members_before: Count,
  members_after: Count,
  noticed_ms: RelMs.nullable(),
  moved_ms: RelMs,
  group_gap_ms: Ms,
  group_gap_start_ms: RelMs,
  group_gap_end_ms: RelMs,
  longest_partition_gap_ms: Ms,
  moved_partitions: Count,
  partitions: z.array(PartitionMove),
  latency_ms: Percentiles,
}) satisfies z.ZodType<RebalanceEventShape>;
export type RebalanceEvent = z.infer<typeof RebalanceEvent>;

export const RebalanceResult = z.object({
  parameters: z.object({
    brokers: z.number().int().positive(),
    partitions: z.number().int().positive(),
    rate: z.number().positive(),
    initial: z.number().int().positive(),
    events: z.array(z.enum(REBALANCE_KINDS)),
    session_timeout_ms: Ms,
    heartbeat_ms: Ms,
    batch: z.number().int().positive(),
    settle_ms: Ms,
    seed: z.number().int(),
  }),
  topic: z.string(),
  group: z.string(),
  produced: z.object({ acked: Count, failed: Count }),
  consumed: Count,
  bad: Count,
  baseline: z.object({ latency_ms: Percentiles, group_gap_ms: Ms, partition_gap_ms: Ms }),
  events: z.array(RebalanceEvent),
  timeline: z.array(z.object({ t_ms: Ms, records_per_s: Count })),
  ms: Ms,
}) satisfies z.ZodType<RebalanceResultShape>;
export type RebalanceResult = z.infer<typeof RebalanceResult>;
