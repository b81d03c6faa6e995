// The envelope every lab writes to data/NN-name.json: who ran what, when, with which parameters, the
// headline metrics and the raw samples the notebook plots. Each lab extends it with its own shape.
import { z } from 'zod';
import type { Percentiles as PercentilesShape } from '../percentiles.ts';

export const Percentiles = z.object({
  count: z.number().int().nonnegative(),
  min: z.number(),
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
  mean: z.number(),
}) satisfies z.ZodType<PercentilesShape>;
export type Percentiles = z.infer<typeof Percentiles>;

export const RunEnvelope = z.object({
  lab: z.string().regex(/^\d\d-[a-z-]+$/),
  run_id: z.string().min(1),
  started_at: z.iso.datetime(),
  ended_at: z.iso.datetime(),
  /** Where the engines were: the embedded stack or endpoints the user configured. */
  environment: z.object({
    kafka_brokers: z.array(z.string()),
    bun_version: z.string(),
    hostname: z.string(),
    cpus: z.number().int().positive(),
  }),
});
export type RunEnvelope = z.infer<typeof RunEnvelope>;

/** A generated stream's rate: the base rate × PEAK_FACTOR over the share of its event time in peak hours. */
export const StreamRate = z.object({
  base_per_s: z.number(),
  peak_factor: z.number(),
  /** share of the stream's event time within peak hours */
  peak_share: z.number().min(0).max(1),
  peak_hours_utc: z.tuple([z.number().int(), z.number().int()]),
  /** what the generator aimed at, in events per wall-clock second */
  target_per_s: z.number(),
  /** events sent / seconds of stream */
  achieved_per_s: z.number(),
});
export type StreamRate = z.infer<typeof StreamRate>;
