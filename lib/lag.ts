// Consumer lag: how far a group's committed offsets trail the end of each partition, and the one way
// to wait until a group has caught up.
import type { Admin } from 'kafkajs';
import { type WaitOptions, WaitTimeout, waitFor } from './wait.ts';

export type PartitionLag = { partition: number; end: number; committed: number; lag: number };

/** Lag per partition from end offsets and committed offsets ('-1' = nothing committed: the lag is from the start). */
export function computeLag(
  ends: { partition: number; high: string; low: string }[],
  committed: { partition: number; offset: string }[],
): PartitionLag[] {
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
  const [ends, offsets] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  return computeLag(ends, offsets.find((t) => t.topic === topic)?.partitions ?? []);
}

export const totalLag = (lags: readonly PartitionLag[]) => lags.reduce((s, l) => s + l.lag, 0);

/**
 * Waits until `group` has committed every offset of `topic` up to its current end: everything on the
 * topic has been processed. `onLag` sees the lag left at each poll (for a progress line). Returns the
 * ms it took; throws a WaitTimeout naming the lag left.
 */
export async function waitForCaughtUp(
  admin: Admin,
  group: string,
  topic: string,
  opts: Partial<WaitOptions> & { onLag?: (left: number) => void } = {},
): Promise<number> {
  let left = -1;
  const probe = async () => {
    left = totalLag(await groupLag(admin, group, topic));
    opts.onLag?.(left);
    return left === 0;
  };
  const r = await waitFor(probe, { timeoutMs: 60_000, intervalMs: 200, ...opts });
  if (!r.ok)
    throw new WaitTimeout(
      `group ${group} to catch up on ${topic}`,
      `${r.reason}; ${left < 0 ? 'lag unknown' : `${left} messages behind`}`,
    );
  return r.ms;
}
