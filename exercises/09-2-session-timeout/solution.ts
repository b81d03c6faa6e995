// Reference solution of exercise 09-2 (read it after trying: `bun run exercise solution 09-2-session-timeout`).
export type GroupTiming = { sessionTimeoutMs: number; heartbeatIntervalMs: number };

export const timing: GroupTiming = {
  // the lowest the broker accepts (group.min.session.timeout.ms, Kafka's default 6 000): a dead member is
  // dropped 6 s after its last heartbeat
  sessionTimeoutMs: 6_000,
  // a twelfth of it, kafkajs's own proportion (30 000 / 3 000) or closer: the survivors learn of the
  // rebalance within half a second of the drop, and a healthy member may miss many heartbeats in a row
  // before its session ends
  heartbeatIntervalMs: 500,
};
