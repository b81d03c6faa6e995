// Shape of data/bench-sink.json: the sink's throughput against the database's own bulk load, measured
// in the same run on the same rows, and where the time goes stage by stage.
import { z } from 'zod';
import { RunEnvelope } from './common.ts';
import { CpuOver } from './cpu.ts';

const Rate = z.object({ rows: z.number().int(), seconds: z.number(), rows_per_s: z.number() });
/** with the CPU of the bench, the database server, the broker and the sinks over it (absent in runs before it was measured) */
const Measured = Rate.extend({ cpu: CpuOver.optional() });

export const BenchSinkResult = RunEnvelope.extend({
  lab: z.literal('bench-sink'),
  parameters: z.object({
    rows: z.number().int(),
    /** live: time-ordered events (few aggregate buckets per batch); backfill: spread over 7 days */
    shape: z.enum(['live', 'backfill']),
    batch_rows: z.number().int(),
    concurrency: z.number().int(),
    partitions: z.number().int(),
    database: z.string(),
    /** the machine's 1-minute load average at the start and the end: other work competes for the cores */
    load_average: z.object({ start: z.number(), end: z.number() }),
  }),
  /** the database's own bulk path: LOAD DATA LOCAL INFILE of the same rows into the same schema */
  reference: z.object({ load_data: Measured }),
  /** one stage at a time, in one process, on the same rows */
  stages: z.object({
    decode_validate: Rate,
    sql_text: Rate,
    /** writeRows (claims, rows, aggregates) on the INSERT path, `concurrency` at once, without Kafka */
    writer: Measured,
    /** the same on the LOAD DATA path (absent in runs before it existed) */
    writer_load_data: Measured.optional(),
    /** a kafkajs consumer that only counts (sink fetch settings) */
    kafka_consume: Rate,
    kafka_produce: Rate,
  }),
  /** end to end: sink processes draining the topic (already produced) into a fresh database */
  sinks: z.array(
    z.object({
      sinks: z.number().int(),
      /** the sink's write path (lib/sink/writer.ts); runs before it existed used insert */
      write_path: z.enum(['load-data', 'insert']).default('insert'),
      /** first row → last row */
      overall: Rate,
      /** between the 10 % and the 90 % row (startup and tail left out) */
      sustained: Rate,
      ratio_to_load_data: z.number(),
      rows_stored: z.number().int(),
      distinct_ids: z.number().int(),
      /** from every sink ready to the group caught up */
      cpu: CpuOver.optional(),
    }),
  ),
});
export type BenchSinkResult = z.infer<typeof BenchSinkResult>;
