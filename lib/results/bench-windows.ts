// Shape of data/bench-windows.json: lab 06's windowed aggregation against its peers on the same topic
// in the same run (a plain kafkajs consumer, Kafka Streams, Spark Structured Streaming), results
// compared exactly, and the operator alone.
import { z } from 'zod';
import { RunEnvelope } from './common.ts';

export const PeerFigures = z.object({
  peer: z.string(),
  /** the grace this run used */
  grace_ms: z.number(),
  records_per_s: z.number(),
  startup_ms: z.number(),
  first_result_ms: z.number().nullable(),
  wall_ms: z.number(),
  /** rows equal to the plain fold of the same events (null: the plain consumer writes none) */
  equal: z.boolean().nullable(),
  rows: z.number().int(),
  expected_rows: z.number().int(),
  mismatches: z.number().int(),
  /** txlab's operator records/s divided by this peer's, same input, same run */
  ours_over_peer: z.number().nullable(),
  notes: z.array(z.string()),
  error: z.string().nullable(),
});

export const BenchWindowsResult = RunEnvelope.extend({
  lab: z.literal('bench-windows'),
  parameters: z.object({
    events: z.number().int(),
    partitions: z.number().int(),
    window_ms: z.number(),
    disorder_ms: z.number(),
    /** the grace of the cross-engine run: ≥ the input's span (see bench/windows/peers.ts) */
    grace_ms: z.number(),
    /** the grace of the second run, for txlab and Kafka Streams: a few times the disorder */
    short_grace_ms: z.number(),
    seed: z.number().int(),
    load_average: z.object({ start: z.number(), end: z.number() }),
  }),
  prepare: z.array(z.object({ peer: z.string(), ms: z.number(), cached: z.boolean(), detail: z.string() })),
  peers: z.array(PeerFigures),
  /** the operator alone, in one process on one core: JSON.parse + schema validation + windowing */
  operator_alone: z.object({
    events: z.number().int(),
    events_per_s: z.number(),
    /** without the zod validation: JSON.parse + windowing */
    events_per_s_without_validation: z.number(),
  }),
  /** Flink's Nexmark q12 figure as issue 14 quotes it, for scale (RocksDB state and checkpoints: not the same work); not measured here */
  flink_nexmark_q12_per_core: z.number(),
});
export type BenchWindowsResult = z.infer<typeof BenchWindowsResult>;
