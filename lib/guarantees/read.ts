// Reading back what a run wrote, for the audit: the input records of a range and a Kafka pipeline's
// outputs, as a reader with isolation read_committed sees them (what downstream consumers get) or
// read_uncommitted (what the log physically holds, aborted transactions included). A range read ends
// when every partition's position has passed the range's end, not after a count of records: aborted
// records and transaction markers take offsets but are never delivered to a read_committed reader.
import type { Kafka } from 'kafkajs';
import type { Offsets } from '../drain.ts';
import { type Settlement, type Source, sourceKey } from './settle.ts';

export type RangeRecord = { partition: number; offset: number; value: Buffer | null };

export async function readRange(
  kafka: Kafka,
  topic: string,
  from: Offsets,
  to: Offsets,
  o: { readUncommitted?: boolean; timeoutMs?: number } = {},
): Promise<RangeRecord[]> {
  const pending = new Set([...to].filter(([p, high]) => high > (from.get(p) ?? 0)).map(([p]) => p));
  const out: RangeRecord[] = [];
  if (pending.size === 0) return out;
  const consumer = kafka.consumer({
    groupId: `${topic}.audit-${crypto.randomUUID().slice(0, 8)}`,
    readUncommitted: o.readUncommitted ?? false,
    maxWaitTimeInMs: 100,
  });
  const seen = new Map<number, number>();
  const timeoutMs = o.timeoutMs ?? 60_000;
  await consumer.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`audit read of ${topic}: partitions ${[...pending].join(',')} unfinished after ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      const passed = (partition: number, lastOffset: string) => {
        if (Number(lastOffset) >= (to.get(partition) ?? 0) - 1) pending.delete(partition);
        if (pending.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      // batches of only aborted records or markers reach no eachBatch, but do end here
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => passed(e.payload.partition, e.payload.lastOffset));
      // at every join (a coordinator that moved or restarted makes the consumer join again), to the range's start
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const [partition, offset] of from) consumer.seek({ topic, partition, offset: String(offset) });
      });
      consumer
        .subscribe({ topic, fromBeginning: true })
        .then(() =>
          consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const [lo, hi] = [from.get(batch.partition) ?? 0, to.get(batch.partition) ?? 0];
              for (const m of batch.messages) {
                const offset = Number(m.offset);
                if (offset < lo || offset >= hi || offset <= (seen.get(batch.partition) ?? -1)) continue;
                seen.set(batch.partition, offset);
                out.push({ partition: batch.partition, offset, value: m.value });
              }
            },
          }),
        )
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => {});
  }
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/** The input records' identities, `partition:offset`. */
export const inputKeys = (records: readonly RangeRecord[]) => records.map((r) => sourceKey(r));

/** A Kafka pipeline's outputs in a range, decoded: each names its source record. */
export function decodeOutputs(records: readonly RangeRecord[]): Pick<Settlement, 'source' | 'outcome'>[] {
  return records.map((r) => {
    const v = JSON.parse(String(r.value)) as { source: Source; outcome: Settlement['outcome'] };
    return { source: v.source, outcome: v.outcome };
  });
}
