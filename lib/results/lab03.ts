// Shape of data/03-sink.json.
import { z } from 'zod';
import { CpuOver } from './cpu.ts';
import { Percentiles, RunEnvelope } from './common.ts';

/** Dead letters by reason (lib/sink/counters.ts REJECT_REASONS); `conflict`: an id stored already with other content. */
const Reasons = z.object({
  oversized: z.number().int(),
  malformed_json: z.number().int(),
  schema_violation: z.number().int(),
  /** absent from files written before conflicts were dead-lettered */
  conflict: z.number().int().default(0),
});

export const Lab03Result = RunEnvelope.extend({
  lab: z.literal('03-sink'),
  parameters: z.object({
    duration_s: z.number(),
    /** live stream base rate, events per second (× PEAK_FACTOR in peak hours) */
    rate_per_s: z.number(),
    backfill_events: z.number().int(),
    bad_per_class: z.number().int(),
    sinks: z.number().int(),
    batch_rows: z.number().int(),
    concurrency: z.number().int(),
    /** the live stream's producer */
    client: z.enum(['kafkajs', 'librdkafka']).default('kafkajs'),
    seed: z.number().int(),
    topic: z.string(),
    dlq_topic: z.string(),
    group: z.string(),
    /** e.g. `MariaDB 10.11.19 at 127.0.0.1:3307/txlab` */
    database: z.string(),
    dialect: z.enum(['mysql', 'singlestore']),
  }),
  metrics: z.object({
    produced: z.object({ backfill: z.number().int(), live: z.number().int(), bad: Reasons, failed: z.number().int() }),
    /** rows of this run's offsets in the table: `stored` must equal `expected` (good messages produced), `distinct_ids` too */
    rows: z.object({ expected: z.number().int(), stored: z.number().int(), distinct_ids: z.number().int() }),
    /**
     * what the sinks counted for this run's messages: their counters less what they had counted once the
     * backlog was stored (files written before the backlog was set apart count it too)
     */
    sink: z.object({
      messages: z.number().int(),
      rows_inserted: z.number().int(),
      duplicates: z.number().int(),
      db_writes: z.number().int(),
      retries: z.number().int(),
      dlq: Reasons,
      /** total ms spent per stage, summed over sinks and concurrent partitions */
      time_ms: z.object({ decode: z.number(), db: z.number(), dlq: z.number(), commit: z.number() }),
    }),
    batch_rows: Percentiles,
    write_ms: Percentiles,
    /** the burst: its rows / the seconds from the first send until the group had committed them all; and the best second */
    rows_per_s: z.object({ burst: z.number(), burst_seconds: z.number(), peak: z.number() }),
    /**
     * messages on the topic from before this run that the group had not stored (e.g. lab 02's), stored
     * before this run's input and counted in none of the other figures (absent from older files)
     */
    backlog: z
      .object({
        messages: z.number().int(),
        rows_inserted: z.number().int(),
        duplicates: z.number().int(),
        dead_lettered: z.number().int(),
        seconds: z.number(),
      })
      .optional(),
    /** the live stream: --rate, × PEAK_FACTOR for the share of it in peak hours = the target, and what Kafka acknowledged per second (absent from older files) */
    live_rate: z
      .object({
        base_per_s: z.number(),
        peak_factor: z.number(),
        peak_share: z.number(),
        target_per_s: z.number(),
        achieved_per_s: z.number(),
      })
      .optional(),
    /**
     * CPU over the live stream: this lab's process (the live producer), each sink, the database server
     * and the broker (engines the stack started), and the whole machine (absent from older files)
     */
    live_cpu: CpuOver.optional(),
    /** event time → row written, for live events (backfilled events are days old: meaningless there) */
    event_to_row_ms: Percentiles,
    /** Kafka record timestamp (stamped when produced) → row written, for every event of the run */
    append_to_row_ms: Percentiles,
    aggregates: z.object({ buckets: z.number().int(), mismatches: z.number().int() }),
    /** true when every offset of the topic was committed by the group before the sinks stopped */
    drained: z.boolean(),
    interrupted: z.boolean(),
  }),
  samples: z.object({
    /** one point a second, from the start of this run's input (after any backlog) */
    timeline: z.array(
      z.object({
        t_s: z.number(),
        phase: z.enum(['backfill', 'live', 'drain']),
        produced: z.number().int(),
        stored: z.number().int(),
        rows_per_s: z.number(),
        lag: z.number().int(),
        lag_by_partition: z.array(z.number().int()),
      }),
    ),
    /** per live event, ms (at most 5k, evenly thinned) */
    event_to_row_ms: z.array(z.number()),
    /** per event, ms (at most 5k, evenly thinned) */
    append_to_row_ms: z.array(z.number()),
    /** rows per database write (at most 2k) */
    batch_rows: z.array(z.number().int()),
  }),
});
export type Lab03Result = z.infer<typeof Lab03Result>;
