// A topic's replication as one sample of a broker-failure timeline: what Kafka's metadata says (under-
// replicated partitions, partitions below min.insync.replicas, leaders per broker) beside what only the
// owner of the brokers knows, which of them run. Between a broker's SIGKILL and the controller fencing it
// (broker.session.timeout.ms, 9 s) the metadata still names the dead broker a leader and an in-sync
// replica: `unwritable` counts the partitions an acks=all send cannot complete in right now. Pure.
import type { PartitionState } from '../stack/cluster.ts';

export type ClusterState = {
  /** partitions whose in-sync replicas are fewer than their replicas (Kafka's URP) */
  under_replicated: number;
  /** partitions with fewer in-sync replicas than min.insync.replicas: acks=all sends to them fail */
  under_min_isr: number;
  /** partitions whose leader is none (-1) or a broker that is not running */
  leader_down: number;
  /**
   * partitions an acks=all send cannot complete in now: the leader is down, an in-sync replica is down
   * (the leader waits for it until the controller takes it out of the ISR), or the ISR is below the minimum
   */
  unwritable: number;
  /** partitions each broker leads, every broker listed, in id order */
  leaders: { broker: number; partitions: number }[];
};

/** The state of `parts` when the brokers in `up` run (of all `brokers`), with `minIsr` = min.insync.replicas. */
export function clusterState(
  parts: readonly PartitionState[],
  brokers: readonly number[],
  up: ReadonlySet<number>,
  minIsr: number,
): ClusterState {
  const led = new Map(brokers.map((b) => [b, 0]));
  let under_replicated = 0;
  let under_min_isr = 0;
  let leader_down = 0;
  let unwritable = 0;
  for (const p of parts) {
    if (p.leader >= 0) led.set(p.leader, (led.get(p.leader) ?? 0) + 1);
    const leaderDown = p.leader < 0 || !up.has(p.leader);
    if (p.isr.length < p.replicas.length) under_replicated++;
    if (p.isr.length < minIsr) under_min_isr++;
    if (leaderDown) leader_down++;
    if (leaderDown || p.isr.length < minIsr || p.isr.some((r) => !up.has(r))) unwritable++;
  }
  const leaders = [...led].map(([broker, partitions]) => ({ broker, partitions })).sort((a, b) => a.broker - b.broker);
  return { under_replicated, under_min_isr, leader_down, unwritable, leaders };
}

/** Every partition has a leader and all its replicas in sync (what createTopics waits for). */
export function fullyInSync(parts: readonly PartitionState[]): boolean {
  return parts.length > 0 && parts.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length);
}

/** The partitions `broker` leads. */
export function ledBy(parts: readonly PartitionState[], broker: number): number[] {
  return parts.filter((p) => p.leader === broker).map((p) => p.partition);
}
