// Lab 05's history phase is done when both readers of `transactions` have it: the fraud consumer's
// rules (state warmed) and the sink (rows stored, for the reviews' customer records). The sink is
// measured by its group's committed offsets against the topic's end right after the history was sent.
import type { Kafka } from 'kafkajs';
import { waitUntil } from '../../wait.ts';
import { withAdmin } from '../../kafka.ts';
import { computeLag, totalLag } from '../../lag.ts';

export type WarmupProgress = { sinkBehind: number; rulesRead: number };

export async function waitForHistory(o: {
  kafka: Kafka;
  topic: string;
  sinkGroup: string;
  events: number;
  rulesRead: () => number;
  onProgress: (p: WarmupProgress) => void;
  signal: AbortSignal;
  timeoutMs?: number;
}): Promise<void> {
  const ends = await withAdmin(o.kafka, (admin) => admin.fetchTopicOffsets(o.topic));
  await waitUntil('the sink and the rules to read the history', async () => {
    const committed = await withAdmin(o.kafka, (admin) => admin.fetchOffsets({ groupId: o.sinkGroup, topics: [o.topic] }));
    const p = { sinkBehind: totalLag(computeLag(ends, committed[0]?.partitions ?? [])), rulesRead: o.rulesRead() };
    o.onProgress(p);
    return (p.sinkBehind === 0 && p.rulesRead >= o.events) || o.signal.aborted ? true : undefined;
  }, { timeoutMs: o.timeoutMs ?? 180_000, intervalMs: 500 });
}
