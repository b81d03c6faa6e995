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
