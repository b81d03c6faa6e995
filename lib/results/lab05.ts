// Shape of data/05-fraud.json. Fields marked "optional" were added later: a run of an older lab (in
// the history of runs) has none of them, and the notebook says so instead of failing.
import { z } from 'zod';
import { FRAUD_PATTERNS } from '../generator/types.ts';
import { DECIDED_BY, OUTCOMES, RULE_NAMES, VERDICTS } from '../fraud/vocabulary.ts';
import { Percentiles, RunEnvelope, StreamRate } from './common.ts';

const ratio = z.number().min(0).max(1).nullable();

export const Lab05Result = RunEnvelope.extend({
  lab: z.literal('05-fraud'),
  parameters: z.object({
    duration_s: z.number(),
    /** live events per second of wall clock */
    rate_per_s: z.number(),
    /** time-lapse: seconds of event time per second of wall clock */
    speed: z.number(),
    fraud_rate: z.number(),
    customers: z.number().int(),
    history_events: z.number().int(),
    seed: z.number().int(),
    /** which stretch of the seeded stream this run used: same customers, different transactions */
    episode: z.number().int(),
    hold_timeout_s: z.number(),
    kill_at_s: z.number(),
    down_s: z.number(),
    max_in_flight: z.number().int(),
    task_queue: z.string(),
    consumer_group: z.string(),
    thresholds: z.object({
      velocity: z.object({ count: z.number(), window_s: z.number() }),
      high_value: z.object({ amount: z.number(), count: z.number(), of_last: z.number() }),
      travel: z.object({ max_kmh: z.number(), min_km: z.number() }),
      new_device_ratio: z.number(),
      outlier_ratio: z.number(),
      min_history: z.number(),
      review_score: z.number(),
      decline_score: z.number(),
    }),
  }),
  metrics: z.object({
    events: z.object({ history: z.number().int(), live: z.number().int(), labeled_live: z.number().int() }),
    consumer: z.object({
      consumed: z.number().int(),
      invalid: z.number().int(),
      risky: z.number().int(),
      stale: z.number().int(),
      reviewed: z.number().int(),
      dropped_on_rebalance: z.number().int(),
    }),
    reviews: z.object({
      started: z.number().int(),
      duplicates: z.number().int(),
      completed: z.number().int(),
      failed: z.number().int(),
      pending: z.number().int(),
      /** workflow ids of the reviews started and still open when the lab stopped (a worker that died leaves them) */
      left_open: z.array(z.string()),
    }),
    verdicts: z.object({
      by_verdict: z.record(z.enum(VERDICTS), z.number().int()),
      by_decider: z.record(z.enum(DECIDED_BY), z.number().int()),
      /** records on the verdicts topic for this run's reviews, and how many were repeats of a key */
      topic_records: z.number().int(),
      topic_repeats: z.number().int(),
    }),
    workflows_per_s: z.object({
      /** reviews started per second of the live phase */
      started_mean: z.number(),
      /** reviews finished per second of the live phase */
      completed_mean: z.number(),
      /** the busiest second (typically the backlog clearing after the restart) */
      completed_peak: z.number(),
    }),
    /** flagged → decided by rules (holds excluded: they wait for a person) */
    latency_ms: Percentiles,
    /** the same, only for reviews in flight at some moment while no worker ran */
    latency_during_outage_ms: Percentiles,
    scoring: z.object({
      overall: z.object({
        events: z.number().int(),
        labeled: z.number().int(),
        reviewed: z.number().int(),
        declined: z.number().int(),
        true_declines: z.number().int(),
        precision: ratio,
        recall: ratio,
      }),
      patterns: z.array(
        z.object({
          pattern: z.enum(FRAUD_PATTERNS),
          labeled: z.number().int(),
          reviewed: z.number().int(),
          declined: z.number().int(),
          instances: z.number().int(),
          instances_stopped: z.number().int(),
          attributed: z.number().int(),
          attributed_correct: z.number().int(),
          precision: ratio,
          recall: ratio,
          instance_recall: ratio,
        }),
      ),
      rules: z.array(
        z.object({
          rule: z.enum(RULE_NAMES),
          fired: z.number().int(),
          on_fraud: z.number().int(),
          on_own_pattern: z.number().int(),
          /** on_fraud / fired (optional) */
          precision: ratio.optional(),
          /** on_own_pattern / the labeled events of its pattern (optional) */
          recall: ratio.optional(),
        }),
      ),
      /** who declined (the rules, an analyst, a hold timeout) and how many of those were fraud (optional) */
      declines: z
        .object({
          by: z.record(z.enum(DECIDED_BY), z.object({ declined: z.number().int(), fraud: z.number().int() })),
          /** fraud declined by the rules or an analyst / labeled: recall had an unanswered hold approved */
          recall_without_timeouts: ratio,
        })
        .optional(),
    }),
    /** the live stream's rate, time-lapsed: event time runs `speed` times faster than the wall clock (optional) */
    rate: StreamRate.optional(),
    /** the launcher's cap on open reviews, and the consumer lag it causes when reached (optional) */
    backpressure: z
      .object({
        /** submits that found all max_in_flight slots taken and waited for one */
        slot_waits: z.number().int(),
        /** of those, how many gave up (the event is read again) */
        slot_timeouts: z.number().int(),
        /** the highest reviews in flight and fraud-consumer lag (events) at a sample of the timeline */
        in_flight_max: z.number().int(),
        lag_max: z.number().int(),
        /** reviews that waited for an analyst (held), each keeping its slot up to the hold timeout */
        held: z.number().int(),
      })
      .optional(),
    /** the activity-attempt log against the server's histories (lib/fraud/review/audit.ts) */
    activities: z.object({
      attempts: z.number().int(),
      activities: z.number().int(),
      retried: z.number().int(),
      unfinished: z.number().int(),
      failed: z.number().int(),
      finished_unreported: z.number().int(),
      rerun_after_completion: z.number().int(),
    }),
    worker: z.object({
      runtime: z.string(),
      pids: z.array(z.number().int()),
      killed_at_s: z.number().nullable(),
      restarted_at_s: z.number().nullable(),
      ready_again_at_s: z.number().nullable(),
      /** a worker that exited without the lab's hand (then the lab stops early, exit code 1) */
      died: z.object({ at_s: z.number(), pid: z.number().int(), code: z.number().int() }).nullable(),
    }),
    analyst: z
      .object({
        transaction_id: z.string(),
        workflow_id: z.string(),
        at_s: z.number(),
        final_verdict: z.string().nullable(),
      })
      .nullable(),
    interrupted: z.boolean(),
  }),
  samples: z.object({
    /** one point a second from the start of the live phase */
    timeline: z.array(
      z.object({
        t_s: z.number(),
        produced: z.number().int(),
        consumed: z.number().int(),
        reviewed: z.number().int(),
        /** reviews started and not finished: the backlog at Temporal */
        in_flight: z.number().int(),
        completed: z.number().int(),
        approve: z.number().int(),
        decline: z.number().int(),
        hold: z.number().int(),
        worker_up: z.boolean(),
      }),
    ),
    events: z.array(
      z.object({
        t_s: z.number(),
        kind: z.enum([
          'worker_ready',
          'worker_killed',
          'worker_started',
          'worker_died',
          'analyst_approved',
          'live_end',
        ]),
        detail: z.string(),
      }),
    ),
    reviews: z.array(
      z.object({
        transaction_id: z.string(),
        flagged_s: z.number(),
        latency_ms: z.number().nullable(),
        verdict: z.enum(VERDICTS).nullable(),
        decided_by: z.enum(DECIDED_BY).nullable(),
        rule: z.enum(RULE_NAMES),
        truth: z.union([z.enum(FRAUD_PATTERNS), z.literal('none')]),
      }),
    ),
    confusion: z.array(
      z.object({
        truth: z.union([z.enum(FRAUD_PATTERNS), z.literal('none')]),
        outcome: z.enum(OUTCOMES),
        count: z.number().int(),
      }),
    ),
  }),
});
export type Lab05Result = z.infer<typeof Lab05Result>;
