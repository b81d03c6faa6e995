// The audit of one pipeline's run on the real engines: its input range read back from the topic, its
// outputs read back from where it wrote them (its output topic's range, as a read_committed reader or,
// to see what aborted transactions left in the log, a read_uncommitted one; or its rows in SQL).
import type { Kafka } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import type { Offsets } from '../drain.ts';
import { type Audit, audit } from './audit.ts';
import { type GuaranteeNames, type Pipeline, pipelineId } from './modes.ts';
import { decodeOutputs, readRange } from './read.ts';
import { readOutputs } from './store.ts';

export type OutputRange = { from: Offsets; to: Offsets };

export async function auditPipeline(o: {
  kafka: Kafka;
  pool: Pool;
  pipeline: Pipeline;
  names: GuaranteeNames;
  runId: string;
  inputKeys: readonly string[];
  /** the Kafka pipeline's output topic range the run wrote */
  output?: OutputRange;
  readUncommitted?: boolean;
}): Promise<Audit> {
  if (o.pipeline.sink === 'sql')
    return audit(o.inputKeys, await readOutputs(o.pool, { runId: o.runId, pipeline: pipelineId(o.pipeline) }));
  if (!o.output) throw new Error(`audit of ${pipelineId(o.pipeline)}: no output range given`);
  const records = await readRange(o.kafka, o.names.output, o.output.from, o.output.to, {
    readUncommitted: o.readUncommitted,
  });
  return audit(o.inputKeys, decodeOutputs(records));
}
