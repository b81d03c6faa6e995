// Exercise 09-2: a consumer group's timing, how soon a crashed member's partitions move and how sure the
// group must be that a member is dead. Choose the two numbers marked TODO; check them with
//   bun run exercise check 09-2-session-timeout
import { todo } from '../../lib/exercises/missing.ts';

/**
 * The timing of every member of a consumer group, as kafkajs takes it
 * (`kafka.consumer({ groupId, sessionTimeout, heartbeatInterval })`):
 * - `sessionTimeoutMs`: the group's coordinator (a broker) drops a member it has had no heartbeat from
 *   for this long, and the group rebalances: that member's partitions go to the others;
 * - `heartbeatIntervalMs`: how often a member sends a heartbeat. The answer to one is also how a member
 *   learns that its group is rebalancing.
 *
 * The goal: when a member crashes (SIGKILL: it sends nothing, not even a goodbye), its partitions are
 * held by the other members within 8 s; and a healthy member reading 1,000 events/s is never dropped.
 */
export type GroupTiming = { sessionTimeoutMs: number; heartbeatIntervalMs: number };

// kafkajs's defaults
export const timing: GroupTiming = {
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
};

// TODO: choose the two numbers above, then delete this line
todo('timing in exercises/09-2-session-timeout/exercise.ts: choose sessionTimeoutMs and heartbeatIntervalMs');
