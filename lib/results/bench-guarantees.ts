// Shape of data/bench-guarantees.json: what each delivery guarantee of lab 07 costs in throughput, per
// sink and batch size, against a plain consume → settle → produce copy measured in the same run on the
// same input (the ceiling), and one transactional producer's commit rate against its retry backoff.
import { z } from 'zod';
import { MODES, SINKS } from '../guarantees/modes.ts';
import { Percentiles, RunEnvelope } from './common.ts';

const Count = z.number().int().nonnegative();

/** One run over the whole input, timed from its first batch done to its last. */
const Throughput = z.object({
  /** records per protocol step asked for (a fetch can give fewer) */
  batch: Count,
  records: Count,
  /** the first batch starts the clock: neither its time nor its records are in records_per_s */
  busy_ms: z.number().nonnegative(),
  records_per_s: z.number().nonnegative(),
  batches: Count,
  /** one batch: handed in → outputs written and position stored (reference: outputs written), ms */
  batch_ms: Percentiles,
});

export const BenchGuaranteesResult = RunEnvelope.extend({
  lab: z.literal('bench-guarantees'),
  parameters: z.object({
    records: Count,
    partitions: Count,
    batches: z.array(Count),
    sinks: z.array(z.enum(SINKS)),
    modes: z.array(z.enum(MODES)),
    seed: z.number().int(),
    /** how long each transaction-rate measurement ran */
    rate_ms: Count,
    /** lab 07's transactional producer: retry.initialRetryTime and transaction timeout */
    transaction_retry_ms: Count,
    transaction_timeout_ms: Count,
    database: z.string(),
    load_average: z.object({ start: z.number(), end: z.number() }),
  }),
  /** consume → settle → produce with no offsets stored and no transaction, per batch size (bench/guarantees/reference.ts) */
  reference: z.array(Throughput),
  /** each pipeline alone over the same input, one after another */
  runs: z.array(
    Throughput.extend({
      pipeline: z.object({ id: z.string(), mode: z.enum(MODES), sink: z.enum(SINKS) }),
      /** child processes it took (1: no restart) */
      processes: Count,
      /** from its process's start to its first batch done: spawn, connect, join the group (not in records_per_s) */
      startup_ms: Count,
      /** the whole run as the bench saw it: startup, the records, stopping the process */
      wall_ms: Count,
      /** its records/s over the reference's at the same batch size */
      vs_reference: z.number().nullable(),
    }),
  ),
  /** per sink and batch size: records/s of exactly once (and at most once) over at least once's */
  ratios: z.array(
    z.object({
      sink: z.enum(SINKS),
      batch: Count,
      exactly_over_at_least: z.number().nullable(),
      at_most_over_at_least: z.number().nullable(),
    }),
  ),
  /** one transactional producer committing one-record transactions back to back (lib/guarantees/demos.ts) */
  transaction_rate: z.array(z.object({ initial_retry_time_ms: Count, transactions: Count, per_s: z.number() })),
});
export type BenchGuaranteesResult = z.infer<typeof BenchGuaranteesResult>;
