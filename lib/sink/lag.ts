// Consumer lag: how far a group's committed offsets trail the end of each partition.
import type { Admin } from 'kafkajs';

export type PartitionLag = { partition: number; end: number; committed: number; lag: number };

/** Lag per partition from end offsets and committed offsets ('-1' = nothing committed: the lag is from the start). */
export function computeLag(ends: { partition: number; high: string; low: string }[], committed: { partition: number; offset: string }[]): PartitionLag[] {
  const byPartition = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  return ends
    .map((e) => {
      const end = Number(e.high);
      const c = byPartition.get(e.partition);
      const from = c === undefined || c < 0 ? Number(e.low) : c;
      return { partition: e.partition, end, committed: from, lag: Math.max(0, end - from) };
    })
    .sort((a, b) => a.partition - b.partition);
}

export async function groupLag(admin: Admin, groupId: string, topic: string): Promise<PartitionLag[]> {
  const [ends, offsets] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  return computeLag(ends, offsets.find((t) => t.topic === topic)?.partitions ?? []);
}

export const totalLag = (lags: readonly PartitionLag[]) => lags.reduce((s, l) => s + l.lag, 0);
