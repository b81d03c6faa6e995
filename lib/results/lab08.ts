// Shape of data/08-monitoring.json: what the pipeline dashboard showed over the run, read back from
// Prometheus (query_range, one point a step), and the ConsumerLagGrowing alert's timeline. Times are
// seconds from the start of the live stream.
import { z } from 'zod';
import { RunEnvelope } from './common.ts';

const Point = z.object({ t_s: z.number(), value: z.number() });
const Seconds = z.number().nullable();

export const Lab08Result = RunEnvelope.extend({
  lab: z.literal('08-monitoring'),
  parameters: z.object({
    duration_s: z.number(),
    /** base rate, events per second; `peak_rate_per_s` over [peak_from_s, peak_to_s) */
    rate_per_s: z.number(),
    peak_rate_per_s: z.number(),
    peak_from_s: z.number(),
    peak_to_s: z.number(),
    /** seconds the sink was stopped, as planned from `sink_stop_s` */
    down_s: z.number(),
    sink_stop_s: z.number(),
    seed: z.number().int(),
    topic: z.string(),
    group: z.string(),
    prometheus: z.string(),
    step_s: z.number(),
    /** each series' PromQL, as the pipeline dashboard's panel sends it (macros filled in) */
    queries: z.record(z.string(), z.string()),
  }),
  metrics: z.object({
    produced: z.object({ acked: z.number().int(), failed: z.number().int() }),
    /** rows of this run's offsets in the table: `stored` must equal `produced.acked`, `distinct_ids` too */
    rows: z.object({ stored: z.number().int(), distinct_ids: z.number().int() }),
    /** when the sink was actually stopped (SIGTERM sent) and started again */
    sink: z.object({ stopped_at_s: Seconds, restarted_at_s: Seconds }),
    lag: z.object({ peak: z.number(), peak_at_s: Seconds, final: z.number().nullable() }),
    /** from the ALERTS series: first pending, first firing, first step with neither after them (null: never) */
    alert: z.object({ pending_at_s: Seconds, firing_at_s: Seconds, resolved_at_s: Seconds }),
    peaks: z.object({
      acked_per_s: z.number(),
      stored_per_s: z.number(),
      event_to_row_p99_s: z.number().nullable(),
      dlq_per_s: z.number(),
    }),
    /** true when the group had committed every offset before the sink stopped for good */
    drained: z.boolean(),
    interrupted: z.boolean(),
  }),
  samples: z.object({
    /** records/s Kafka acknowledged on the transactions topic (the producer: this lab) */
    acked_per_s: z.array(Point),
    /** rows/s the sinks stored */
    stored_per_s: z.array(Point),
    /** the sink group's lag on the topic (kafka_consumergroup_lag_sum) */
    lag: z.array(Point),
    /** event → row p99, seconds (no point where no row was stored) */
    event_to_row_p99_s: z.array(Point),
    /** dead letters/s, all reasons */
    dlq_per_s: z.array(Point),
    /** the ALERTS series: a point per step while the alert was pending or firing */
    alert: z.array(z.object({ t_s: z.number(), state: z.enum(['pending', 'firing']) })),
  }),
});
export type Lab08Result = z.infer<typeof Lab08Result>;
