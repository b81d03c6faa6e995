// txlab's own windows operator (lib/windows/operator.ts) as a peer of `bun run bench windows`: a kafkajs
// consumer feeding the operator the `category_tumbling` view only (the aggregation every peer computes),
// advancing after each batch, and writing its results to its output topic in the peers' row shape. Like
// the peers, it commits no offsets and writes no SQL: lab 06's windows process (lib/windows/consumer.ts)
// also upserts every result and commits after every batch, which this figure leaves out.
// Lateness is judged per partition, so on a backlog (one partition read far ahead of another) it drops
// nothing a grace above the disorder bound allows, whatever the read order.
import type { Config } from '../../lib/config.ts';
import { createKafka, createProducer, ensureTopics, withAdmin } from '../../lib/kafka.ts';
import { PartitionCounts, sendPerPartition } from '../../lib/send.ts';
import { decodeTransaction } from '../../lib/schema.ts';
import { WindowOperator } from '../../lib/windows/operator.ts';
import { OUTPUT_TOPIC_CONFIG, type PeerInput, type PeerOptions, type PeerRun, readTopic, timings } from './rows.ts';

export async function runOurs(
  cfg: Config,
  input: PeerInput,
  opts: PeerOptions & { boundMs: number },
): Promise<PeerRun> {
  const kafka = createKafka('bench-windows-ours', cfg, { brokers: [input.bootstrap] });
  const out = `${opts.prefix}.windows.ours-${crypto.randomUUID().slice(0, 6)}`;
  await withAdmin(kafka, (admin) =>
    ensureTopics(admin, [{ topic: out, numPartitions: 1, replicationFactor: 1, configEntries: OUTPUT_TOPIC_CONFIG }]),
  );
  await input.flush();
  const ends = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(input.topic));
  const left = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));

  const op = new WindowOperator({
    views: [
      { name: 'category_tumbling', spec: { kind: 'tumbling', sizeMs: opts.windowMs }, key: (e) => e.merchant_category },
    ],
    boundMs: opts.boundMs,
    latenessMs: opts.graceMs,
    idleTimeoutMs: 0,
  });
  for (let p = 0; p < input.partitions; p++) op.assign(p, Date.now());
  const producer = createProducer(kafka);
  await producer.connect();
  const counts = new PartitionCounts(kafka);
  const launchedAt = Date.now();
  let readyAt = 0;
  let late = 0;
  const consumer = kafka.consumer({
    groupId: `${opts.prefix}.windows-ours-${crypto.randomUUID().slice(0, 6)}`,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 4 << 20,
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (!readyAt) readyAt = Date.now();
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: input.topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`windows: our operator took over ${opts.timeoutMs ?? 600_000} ms`)),
        opts.timeoutMs ?? 600_000,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const now = Date.now();
            for (const m of batch.messages) {
              const r = decodeTransaction(m.value);
              if (r.ok) late += op.process(batch.partition, Number(m.offset), r.value, now).length;
            }
            const results = op.advance(now);
            if (results.length > 0)
              await sendPerPartition(producer, counts, {
                topic: out,
                messages: results.map(({ watermarkMs, ...row }) => ({ key: row.key, value: JSON.stringify(row) })),
              });
            const end = left.get(batch.partition);
            if (end !== undefined && Number(batch.lastOffset()) + 1 >= end) left.delete(batch.partition);
            if (left.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  const written = await readTopic(kafka, out);
  if (!readyAt) readyAt = launchedAt;
  return {
    engine: 'txlab windows operator (no persistence)',
    rows: written.map((o) => o.row),
    ...timings(input.records, launchedAt, readyAt, written),
    notes: [`${late} (event, window) pairs judged late`, `validated with the event schema (zod) per record`],
  };
}
