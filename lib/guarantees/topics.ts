// Lab 07's topics: its input, keyed and partitioned like `transactions`, and one output topic per
// guarantee for the Kafka pipelines. Kept out of lib/topics.ts: no other lab reads them.
import type { Config } from '../config.ts';
import type { TopicSpec } from '../topics.ts';
import { MODES, namesOf } from './modes.ts';

/** One partition for the fencing, stall and rate demos (demos.ts): a stall there blocks nothing else. */
export const demoTopic = (c: Config) => `${c.guarantees.output}.demo`;

export function guaranteeTopicSpecs(c: Config): TopicSpec[] {
  const spec = (topic: string, purpose: string): TopicSpec => ({
    topic,
    numPartitions: c.transactionsPartitions,
    replicationFactor: c.replicationFactor,
    configEntries: [
      { name: 'retention.ms', value: String(86_400_000) },
      { name: 'min.insync.replicas', value: String(Math.min(2, c.replicationFactor)) },
    ],
    purpose,
  });
  return [
    spec(c.guarantees.input, "lab 07's input: seeded transactions, a few bad records among them"),
    { ...spec(demoTopic(c), 'lab 07: fencing, stall and transaction-rate demos'), numPartitions: 1 },
    ...MODES.map((mode) => spec(namesOf(c, { mode, sink: 'kafka' }).output, `lab 07: settlements written ${mode}`)),
  ];
}
