// Shape of lab 09's broker-failure experiment (lib/scale/failover.ts), as data/09-scale.json holds it:
// the timeline of samples (acks, latency, sends waiting, replication, leaders per broker, records read),
// the marks (kills, restarts, ISR shrunk and full again), each phase's summary and the audit by
// transaction id. lib/results/lab09.ts composes it.
import { z } from 'zod';
import type { Failover as FailoverShape } from '../scale/failover-result.ts';

const Count = z.number().int().nonnegative();
const Ms = z.number().nonnegative();
const Broker = z.number().int().positive();

export const Spread = z.object({ p50: z.number(), p99: z.number(), max: z.number() });
export const Gap = z.object({ from_ms: Ms, to_ms: Ms, ms: Ms });
export const Leaders = z.array(z.object({ broker: Broker, partitions: Count }));

export const ClusterState = z.object({
  under_replicated: Count,
  under_min_isr: Count,
  leader_down: Count,
  unwritable: Count,
  leaders: Leaders,
});

export const FailoverSample = z.object({
  t_ms: Ms,
  window_ms: Ms,
  up: z.array(Broker),
  acked: Count,
  failed: Count,
  send_ack_ms: Spread.nullable(),
  due_ack_ms: Spread.nullable(),
  pending: Count,
  oldest_pending_ms: Ms,
  backlog: Count,
  consumed: Count,
  cluster: ClusterState.nullable(),
});
export type FailoverSample = z.infer<typeof FailoverSample>;

export const FAILOVER_EVENTS = [
  'kill',
  'restart',
  'rejoined',
  'isr-shrunk',
  'new-leader',
  'isr-full',
  'caught-up',
  'read-resumed',
  'read-caught-up',
  'stop',
] as const;
export const FailoverMark = z.object({ t_ms: Ms, event: z.enum(FAILOVER_EVENTS), brokers: z.array(Broker) });

export const DeliveryAudit = z.object({
  sent: Count,
  acked: Count,
  failed: Count,
  read: Count,
  acked_missing: Count,
  failed_present: Count,
  duplicates: Count,
  duplicated_records: Count,
  foreign: Count,
  examples: z.object({
    acked_missing: z.array(z.string()),
    duplicated: z.array(z.string()),
    foreign: z.array(z.string()),
  }),
});
export type DeliveryAudit = z.infer<typeof DeliveryAudit>;

export const FailoverPhase = z.object({
  brokers: z.array(Broker),
  survivors: z.array(Broker),
  partitions_led: z.array(Count),
  kill_at_ms: Ms,
  restart_at_ms: Ms,
  end_at_ms: Ms,
  isr_shrunk_ms: Ms.nullable(),
  new_leader_ms: Ms.nullable(),
  stall: Gap,
  caught_up_ms: Ms,
  read_resumed_ms: Ms.nullable(),
  acked_while_down: Count,
  acked: Count,
  failed: Count,
  send_ack_ms: Spread.nullable(),
  due_ack_ms: Spread.nullable(),
  peak_backlog: Count,
  pending_at_restart: z.object({ records: Count, oldest_ms: Ms }),
  rejoined_ms: Ms,
  isr_full_ms: Ms,
  leaders_after: Leaders,
  audit: DeliveryAudit,
});
export type FailoverPhase = z.infer<typeof FailoverPhase>;

export const Failover = z.object({
  parameters: z.object({
    partitions: Count,
    replication_factor: Count,
    min_insync_replicas: Count,
    rate: z.number().positive(),
    seed: z.number().int(),
    kill_at_ms: Ms,
    one_down_ms: Ms,
    settle_ms: Ms,
    two_down_ms: Ms,
    tail_ms: Ms,
    retry_max_ms: Ms,
    sample_ms: Ms,
  }),
  topic: z.string(),
  brokers: z.array(Broker),
  ms: Ms,
  samples: z.array(FailoverSample),
  marks: z.array(FailoverMark),
  one_down: FailoverPhase,
  two_down: FailoverPhase.nullable(),
  audit: DeliveryAudit.extend({ failed_reported: Count }),
  labels: DeliveryAudit,
  consumer: z.object({
    consumed: Count,
    caught_up_at_ms: Ms.nullable(),
    crashes: z.array(z.object({ t_ms: z.number(), error: z.string(), restarted_by: z.enum(['kafkajs', 'reader']) })),
  }),
  errors: z.array(z.object({ message: z.string(), records: Count })),
  broken: z.array(z.string()),
}) satisfies z.ZodType<FailoverShape>;
export type Failover = z.infer<typeof Failover>;
