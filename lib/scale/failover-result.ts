// What lib/scale/failover.ts returns, and data/09-scale.json holds (lib/results/lab09-failover.ts checks
// it against these types): the timeline, the marks, each failure's summary and the audits. Keys are the
// results file's, snake_case, so a lab writes it as it is. Types only.
import type { DeliveryAudit } from './delivery-audit.ts';
import type { FailoverSample } from './failover-sampler.ts';
import type { ReaderCrash } from './group-reader.ts';
import type { Gap, Spread } from './send-log.ts';

export type { DeliveryAudit, FailoverSample, Gap, ReaderCrash, Spread };

export type FailoverEvent =
  | 'kill'
  | 'restart'
  | 'rejoined'
  | 'isr-shrunk'
  | 'new-leader'
  | 'isr-full'
  | 'caught-up'
  | 'read-resumed'
  | 'read-caught-up'
  | 'stop';
export type FailoverMark = { t_ms: number; event: FailoverEvent; brokers: number[] };

/**
 * One failure: the kill, the restart, every ISR full and the producer current again. Times (`_at_ms`) are
 * ms since the producer started; durations ms; the counts over (kill, end].
 */
export type FailoverPhase = {
  /** the brokers killed, and those left running */
  brokers: number[];
  survivors: number[];
  /** partitions the killed brokers led at the kill */
  partitions_led: number[];
  kill_at_ms: number;
  restart_at_ms: number;
  /** the next phase's kill, or the stop */
  end_at_ms: number;
  /** kill → the first metadata with an under-replicated partition (the controller fenced a broker); null: never */
  isr_shrunk_ms: number | null;
  /** kill → the first metadata in which every partition they led has another leader; null: never */
  new_leader_ms: number | null;
  /** the longest stretch without an acknowledgement */
  stall: Gap;
  /** kill → the first acknowledgement of a record due after the stall: the backlog is worked off */
  caught_up_ms: number;
  /** kill → the first sample after the stall in which the consumer group read records; null: not before the end */
  read_resumed_ms: number | null;
  /** records acknowledged between the kill and the restart */
  acked_while_down: number;
  acked: number;
  failed: number;
  send_ack_ms: Spread | null;
  due_ack_ms: Spread | null;
  /** the most events due and not yet acknowledged, in a sample */
  peak_backlog: number;
  /** records in sends in flight when the restart began, and the age of the oldest */
  pending_at_restart: { records: number; oldest_ms: number };
  /** restart → the cluster lists the brokers again */
  rejoined_ms: number;
  /** restart → every partition's ISR full */
  isr_full_ms: number;
  /** partitions each broker leads once every ISR is full (Kafka moves leaders back only at its preferred-leader check) */
  leaders_after: { broker: number; partitions: number }[];
  /** the records due in the phase: phase 1 from the start, the last phase to the stop */
  audit: DeliveryAudit;
};

export type Failover = {
  parameters: {
    partitions: number;
    replication_factor: number;
    min_insync_replicas: number;
    rate: number;
    seed: number;
    kill_at_ms: number;
    one_down_ms: number;
    settle_ms: number;
    two_down_ms: number;
    tail_ms: number;
    retry_max_ms: number;
    sample_ms: number;
  };
  topic: string;
  brokers: number[];
  /** topics created → audit done */
  ms: number;
  samples: FailoverSample[];
  marks: FailoverMark[];
  /** phase 1: one broker, the leader of partition 0 */
  one_down: FailoverPhase;
  /** phase 2: two of three (null: not run) */
  two_down: FailoverPhase | null;
  /** the whole run; failed_reported: what the delivery reports counted failed */
  audit: DeliveryAudit & { failed_reported: number };
  /** the fraud labels sent beside the events, audited the same way */
  labels: DeliveryAudit;
  /** what the consumer group read (copies included: it is at-least-once), and each time kafkajs's consumer crashed */
  consumer: {
    consumed: number;
    /** when it had read everything written up to the last phase's end (null: not within the recovery timeout) */
    caught_up_at_ms: number | null;
    crashes: ReaderCrash[];
  };
  /** the producer's send errors: message → records */
  errors: { message: string; records: number }[];
  /** what acks=all promises that the audit found broken (empty: kept) */
  broken: string[];
};
