// Shape of data/01-topics.json.
import { z } from 'zod';
import { RunEnvelope } from './common.ts';

export const TopicDescription = z.object({
  name: z.string(),
  created: z.boolean(),
  partitions: z.array(
    z.object({
      partition: z.number().int(),
      leader: z.number().int(),
      replicas: z.array(z.number().int()),
      isr: z.array(z.number().int()),
    }),
  ),
  configs: z.record(z.string(), z.string()),
});

export const Lab01Result = RunEnvelope.extend({
  lab: z.literal('01-topics'),
  parameters: z.object({
    partitions: z.number().int().positive(),
    replication_factor: z.number().int().positive(),
    sample_keys: z.number().int().positive(),
    messages_per_key: z.number().int().positive(),
  }),
  metrics: z.object({
    topics_created: z.array(z.string()),
    topics_existing: z.array(z.string()),
    keys_total: z.number().int(),
    /** keys whose every message landed on a single partition: equals keys_total when keyed partitioning holds */
    keys_on_one_partition: z.number().int(),
    /** keys whose broker-reported partition equals murmur2(key) % partitions computed locally */
    keys_matching_murmur2: z.number().int(),
    /** max/mean of messages per partition: 1.0 is a perfectly even spread */
    skew: z.number(),
    /** keys per partition if the hash placed keys at random, Binomial(keys, 1/partitions): mean, sd, mean ± 2 sd */
    keys_by_chance: z.object({ mean: z.number(), sd: z.number(), low: z.number(), high: z.number() }),
    /** the busiest partition over simulated random placements of as many keys: max/mean median and 95th
     * percentile, and the share of placements at least as uneven as this run */
    skew_by_chance: z.object({
      trials: z.number().int().positive(),
      p50: z.number(),
      p95: z.number(),
      at_least_observed: z.number().min(0).max(1),
    }),
  }),
  samples: z.object({
    topics: z.array(TopicDescription),
    partition_counts: z.array(
      z.object({ partition: z.number().int(), keys: z.number().int(), messages: z.number().int() }),
    ),
    /** simulated random placements (skew_by_chance): busiest partition's keys → placements that gave it */
    busiest_by_chance: z.array(z.object({ max_keys: z.number().int(), trials: z.number().int() })),
    key_placement: z.array(
      z.object({
        key: z.string(),
        partitions: z.array(z.number().int()),
        expected_partition: z.number().int(),
        messages: z.number().int(),
      }),
    ),
  }),
});
export type Lab01Result = z.infer<typeof Lab01Result>;
