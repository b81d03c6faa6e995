// Sends lab 03's prepared input as fast as the broker takes it, each record stamped with the time it
// is sent: the record timestamp then says when it entered Kafka, so append → row latency can be read
// from the table even for backfilled events whose event time is days old. One send() per partition
// (lib/send.ts), so a leader change mid-send cannot lose acknowledged records.
import type { Producer } from 'kafkajs';
import type { InputMessage } from '../../lib/fixtures/messages.ts';
import { recordSend } from '../../lib/produce-metrics.ts';
import { type PartitionCounts, sendEachPartition } from '../../lib/send.ts';
import { describeError } from '../../lib/sink/retry.ts';

export type FeedResult = { acked: number; failed: number; errors: string[] };

export async function sendStamped(
  producer: Producer,
  counts: PartitionCounts,
  topic: string,
  messages: readonly InputMessage[],
  opts: { batchSize?: number; inFlight?: number; signal?: AbortSignal; onAcked?: (n: number) => void } = {},
): Promise<FeedResult> {
  const size = opts.batchSize ?? 1000;
  const result: FeedResult = { acked: 0, failed: 0, errors: [] };
  const inflight = new Set<Promise<void>>();
  for (let i = 0; i < messages.length && !opts.signal?.aborted; i += size) {
    const batch = messages.slice(i, i + size);
    const timestamp = String(Date.now());
    const p = sendEachPartition(producer, counts, {
      topic,
      acks: -1,
      messages: batch.map((m) => ({ key: m.key, value: m.value, timestamp })),
    })
      .then((outcomes) => {
        for (const o of outcomes) {
          recordSend(topic, o.messages, o.ms, o.error);
          if (o.error) {
            result.failed += o.messages;
            result.errors.push(describeError(o.error));
          } else result.acked += o.messages;
        }
        opts.onAcked?.(result.acked);
      })
      .catch((e) => {
        // the partition count could not be read: nothing of this batch was sent
        recordSend(topic, batch.length, 0, e as Error);
        result.failed += batch.length;
        result.errors.push(describeError(e));
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= (opts.inFlight ?? 4)) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  return result;
}
