// Shape of data/09-scale.json: lab 09's four experiments, each null when it was not run (--parts) and
// then named in `skipped`: the consumer sweep on clusters of 1 and 3 brokers of the lab's own, the
// rebalance pauses of a group (join, leave, crash), a broker failure under steady produce and consume
// with its delivery audit, and the whole pipeline's ceiling on the embedded stack.
import { z } from 'zod';
import { RunEnvelope } from './common.ts';
import { Lab09Ceiling } from './lab09-ceiling.ts';
import { Failover } from './lab09-failover.ts';
import { RebalanceResult, SweepResult } from './lab09-sweep.ts';

export const PARTS = ['sweep', 'rebalance', 'failover', 'ceiling'] as const;
export const Part = z.enum(PARTS);
export type Part = z.infer<typeof Part>;

export const Lab09Result = RunEnvelope.extend({
  lab: z.literal('09-scale'),
  parameters: z.object({
    parts: z.array(Part).min(1),
    seed: z.number().int().nonnegative(),
  }),
  metrics: z.object({
    sweep: SweepResult.nullable(),
    rebalance: RebalanceResult.nullable(),
    failover: Failover.nullable(),
    ceiling: Lab09Ceiling.nullable(),
    skipped: z.array(z.object({ part: Part, why: z.string() })),
    /** seconds each part took, not counting the clusters' start and stop (the sweep's `ms` is its share) */
    seconds: z.partialRecord(Part, z.number().nonnegative()),
    /** nothing acknowledged was lost in the broker failure (true when it did not run) */
    ok: z.boolean(),
  }),
});
export type Lab09Result = z.infer<typeof Lab09Result>;
