// Shape of data/06-windows.json: a disordered live stream with late events and one partition left
// idle, windowed by the windows process (killed once mid-run), and every final window checked against
// the ground truth computed from the topic itself. Times are seconds from the start of the stream
// (event time and wall clock share that origin: the stream is live).
import { z } from 'zod';
import { Percentiles, RunEnvelope, StreamRate } from './common.ts';

const Seconds = z.number();

export const ViewCheck = z.object({
  view: z.string(),
  /** "tumbling 5 s", "hopping 10 s every 5 s" */
  spec: z.string(),
  /** windows of the measured period the ground truth has */
  expected: z.number().int().nonnegative(),
  /** of those, stored with exactly the expected count, sums, min, max */
  matched: z.number().int().nonnegative(),
  /** stored with other values, expected but not stored, stored but not expected */
  differ: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  extra: z.number().int().nonnegative(),
  /** the first few disagreements, in words */
  examples: z.array(z.string()),
});
export type ViewCheck = z.infer<typeof ViewCheck>;

export const Lab06Result = RunEnvelope.extend({
  lab: z.literal('06-windows'),
  parameters: z.object({
    duration_s: Seconds,
    /** stream after the measured period, so its last windows close (their results are not checked) */
    tail_s: Seconds,
    rate_per_s: z.number(),
    window_s: Seconds,
    bound_s: Seconds,
    lateness_s: Seconds,
    idle_timeout_s: Seconds,
    late_share: z.number(),
    late_by_s: Seconds,
    idle_partition: z.number().int(),
    idle_from_s: Seconds,
    idle_to_s: Seconds,
    kill_at_s: Seconds.nullable(),
    seed: z.number().int(),
    partitions: z.number().int(),
    topic: z.string(),
    group: z.string(),
  }),
  metrics: z.object({
    produced: z.object({ acked: z.number().int(), failed: z.number().int(), measured: z.number().int() }),
    /** the measured period's rate: the base rate × PEAK_FACTOR in peak hours (optional: older runs lack it) */
    rate: StreamRate.optional(),
    /** every view's final windows of the measured period against the ground truth */
    views: z.array(ViewCheck),
    exact: z.boolean(),
    /** the same category windows recomputed in SQL from the sink's rows, against the stored ones */
    sql_recompute: z.object({
      view: z.string(),
      windows: z.number().int(),
      matched: z.number().int(),
      differ: z.number().int(),
      examples: z.array(z.string()),
    }),
    late: z.object({
      /** distinct (event, view) pairs on the late topic */
      total: z.number().int(),
      watermark: z.number().int(),
      /** windows emitted while the event's partition was left out as idle */
      closed: z.number().int(),
      /** late by the watermark rule, as the ground truth computes it */
      expected_watermark: z.number().int(),
      /** events the generator delayed past the bound + lateness */
      delayed: z.number().int(),
    }),
    kill: z
      .object({
        at_s: Seconds,
        restarted_at_s: Seconds,
        /** when the new process emitted again: the group waits out the dead member's session first */
        emitting_again_s: Seconds.nullable(),
        events_before: z.number().int(),
        resumed_from_commit: z.boolean(),
      })
      .nullable(),
    /** category_tumbling: window end → result written (SQL written_at), seconds, for windows of the measured period */
    result_delay_s: Percentiles,
    idle: z.object({
      /** longest time the operator watermark stood still while the idle partition was quiet (replayed offline) */
      stall_with_timeout_s: Seconds,
      stall_without_timeout_s: Seconds,
    }),
    anomalies: z.object({
      high_frequency: z.number().int(),
      merchant_spike: z.number().int(),
      /** velocity_burst fraud instances in the measured period, and how many a high_frequency window caught */
      velocity_instances: z.number().int(),
      velocity_caught: z.number().int(),
      /** high_frequency windows that hold a labeled velocity_burst event */
      high_frequency_labeled: z.number().int(),
    }),
    sessions: z.object({
      gap_s: Seconds,
      count: z.number().int(),
      max_events: z.number().int(),
      mean_events: z.number(),
      late: z.number().int(),
    }),
  }),
  samples: z.object({
    /** the live windows process, a point per progress report */
    watermark: z.array(
      z.object({
        t_s: Seconds,
        /** the emitted frontier (operator watermark), null before the first */
        watermark_s: Seconds.nullable(),
        open_panes: z.number().int(),
        idle_partitions: z.number().int(),
        /** a windows process was running */
        up: z.boolean(),
      }),
    ),
    /** the same input replayed offline at its send times, with and without the idle timeout */
    idle_replay: z.array(z.object({ t_s: Seconds, with_s: Seconds.nullable(), without_s: Seconds.nullable() })),
    category: z.array(
      z.object({
        view: z.string(),
        key: z.string(),
        start_s: Seconds,
        end_s: Seconds,
        count: z.number().int(),
        sum: z.number(),
      }),
    ),
    late: z.array(z.object({ view: z.string(), reason: z.string(), lateness_s: Seconds, event_s: Seconds })),
    anomalies: z.array(
      z.object({
        reason: z.string(),
        key: z.string(),
        start_s: Seconds,
        end_s: Seconds,
        count: z.number().int(),
        score: z.number(),
        labeled: z.boolean(),
      }),
    ),
    /** sessions per customer: how many had n events */
    session_sizes: z.array(z.object({ events: z.number().int(), sessions: z.number().int() })),
  }),
});
export type Lab06Result = z.infer<typeof Lab06Result>;
