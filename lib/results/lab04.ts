// Shape of data/04-sharding.json.
import { z } from 'zod';
import { Percentiles, RunEnvelope } from './common.ts';

export const VARIANTS = ['indexed', 'no_index', 'aggregate'] as const;

export const Lab04Result = RunEnvelope.extend({
  lab: z.literal('04-sharding'),
  parameters: z.object({
    rows: z.number().int(),
    seed: z.number().int(),
    database: z.string(),
    dialect: z.enum(['mysql', 'singlestore']),
    reps: z.number().int(),
    budget_s: z.number(),
  }),
  metrics: z.object({
    load: z.object({
      mode: z.enum(['reused', 'loaded', 'resumed']),
      inserted: z.number().int(),
      skipped: z.number().int(),
      seconds: z.number(),
      rows_per_s: z.number(),
      /**
       * rows in the table when the queries ran: the lab's own database, so the load's (files written before
       * it had its own database counted the pipeline's rows too)
       */
      table_rows: z.number().int(),
      /** rows in the query windows: the last 5 whole minutes and 24 whole hours before the anchor (absent from older files) */
      window_rows: z.object({ last_5_min: z.number().int(), last_24_h: z.number().int() }).optional(),
      window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
    }),
    distribution: z.object({
      partitions: z.number().int(),
      min: z.number().int(),
      max: z.number().int(),
      skew: z.number(),
    }),
    /** where the loaded events end: every query window ends here */
    anchor: z.iso.datetime(),
    queries: z.array(
      z.object({
        query: z.string(),
        question: z.string(),
        sql: z.string(),
        pruned: z.boolean(),
        partitions_read: z.number().int(),
        partitions_total: z.number().int(),
        index: z.string().nullable(),
        estimated_rows: z.number().nullable(),
        variants: z.array(
          z.object({
            variant: z.enum(VARIANTS),
            latency_ms: Percentiles,
            rows: z.number().int(),
            /** the aggregate / index-free answer equals the indexed one (null: not compared) */
            same_answer: z.boolean().nullable(),
          }),
        ),
      }),
    ),
    /** the SingleStore-like layout: leaf servers behind a Spider table (null when skipped) */
    spider: z
      .object({
        rows: z.number().int(),
        skew: z.number(),
        leaves: z.array(z.object({ leaf: z.string(), port: z.number().int(), rows: z.number().int() })),
        queries: z.array(
          z.object({
            query: z.string(),
            question: z.string(),
            selects_per_leaf: z.array(z.number().int()),
            latency_ms: Percentiles,
          }),
        ),
      })
      .nullable(),
    interrupted: z.boolean(),
  }),
  samples: z.object({
    /** the same customer ids under KEY(customer_id) with other partition counts (MariaDB only) */
    key_spread: z.array(z.object({ partitions: z.number().int(), rows: z.array(z.number().int()), skew: z.number() })),
    partition_rows: z.array(
      z.object({
        partition: z.string(),
        rows: z.number().int(),
        customers: z.number().int().nullable(),
        host: z.string().nullable(),
      }),
    ),
    /** per-run latency, ms, per query and variant */
    latencies: z.array(z.object({ query: z.string(), variant: z.enum(VARIANTS), ms: z.array(z.number()) })),
    plans: z.array(z.object({ query: z.string(), variant: z.enum(['indexed', 'no_index']), plan: z.string() })),
  }),
});
export type Lab04Result = z.infer<typeof Lab04Result>;
