// A plausible wrong answer to exercise 09-2 (the tests check that its check fails on it): the session
// timeout lowered to the broker's minimum, the heartbeat left at kafkajs's default: 3 000 ms is half
// the session, so one lost or late heartbeat (a GC pause, a slow batch, a busy broker) ends a healthy
// member's session, and the survivors may learn of a crash up to 3 s after the coordinator dropped it.
export type GroupTiming = { sessionTimeoutMs: number; heartbeatIntervalMs: number };

export const timing: GroupTiming = {
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 3_000,
};
