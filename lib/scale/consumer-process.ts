// A member of lab 09's consumer groups seen from its parent (the sweeps, the rebalance timing, the tests):
// lib/scale/consumer-main.ts as a child process (lib/child.ts), with everything it reported kept in
// order: its batches, its assignments and rebalances with their times, its latency samples, its bad
// records. `go()` releases a member started `paused`; stop() is SIGTERM (it leaves the group), kill() is
// SIGKILL (a crash: the group notices only when its session times out). And the one way to wait for a
// group to settle: the coordinator says Stable with the expected members, and their own latest
// assignments cover every partition exactly once.
import type { Admin } from 'kafkajs';
import { type Child, spawnChild } from '../child.ts';
import type { DecodeFailure } from '../schema.ts';
import { WaitTimeout, waitFor } from '../wait.ts';
import type { BatchReport, ScaleIpcMessage } from './consumer-main.ts';

export type { BatchReport };

export type Assignment = { at: number; partitions: number[]; join_ms: number };

export type ScaleConsumer = Omit<Child, 'ready'> & {
  ready: Promise<void>;
  /** resolves with its first assignment */
  joined: Promise<Assignment>;
  /** releases a member started with `paused` */
  go(): void;
  /** epoch ms of its events: the join begun, SIGTERM handled, the group left */
  joiningAt(): number | undefined;
  leftAt(): number | undefined;
  assignments(): Assignment[];
  /** epoch ms of each rebalance it noticed */
  rebalances(): number[];
  /** its latest assignment: empty before the first, and after it noticed a rebalance until the next */
  partitions(): number[];
  batches(): BatchReport[];
  /** [epoch ms, end-to-end ms] */
  latency(): [number, number][];
  /** records handled (valid and bad), and bad ones by reason */
  records(): number;
  bad(): Partial<Record<DecodeFailure, { count: number; example: string }>>;
};

export type ScaleConsumerOptions = {
  name: string;
  topic: string;
  group: string;
  /** bootstrap addresses (default: KAFKA_BROKERS or the embedded broker) */
  brokers?: readonly string[];
  /** records per commit (default 500) */
  batch?: number;
  /** default 10 000 ms, as groupConsumerConfig */
  sessionTimeoutMs?: number;
  heartbeatMs?: number;
  reportMs?: number;
  paused?: boolean;
  env?: Record<string, string>;
  onLine?: (line: string) => void;
};

export function spawnScaleConsumer(o: ScaleConsumerOptions): ScaleConsumer {
  const assignments: Assignment[] = [];
  const rebalances: number[] = [];
  const batches: BatchReport[] = [];
  const latency: [number, number][] = [];
  let bad: Partial<Record<DecodeFailure, { count: number; example: string }>> = {};
  let records = 0;
  let current: number[] = [];
  let joiningAt: number | undefined;
  let leftAt: number | undefined;
  let markJoined: (a: Assignment) => void = () => {};
  const joined = new Promise<Assignment>((r) => (markJoined = r));
  const opt = (flag: string, v: number | string | undefined) => (v === undefined ? [] : [`--${flag}`, String(v)]);
  const child = spawnChild({
    name: o.name,
    main: 'lib/scale/consumer-main.ts',
    args: [
      '--topic',
      o.topic,
      '--group',
      o.group,
      ...opt('brokers', o.brokers?.join(',')),
      ...opt('batch', o.batch),
      ...opt('session-timeout', o.sessionTimeoutMs),
      ...opt('heartbeat', o.heartbeatMs),
      ...opt('report-ms', o.reportMs),
      ...(o.paused ? ['--paused'] : []),
    ],
    env: o.env,
    onLine: o.onLine,
    onMessage(raw) {
      const m = raw as ScaleIpcMessage;
      switch (m.type) {
        case 'joining':
          joiningAt ??= m.at;
          break;
        case 'assigned': {
          const a = { at: m.at, partitions: m.partitions, join_ms: m.join_ms };
          assignments.push(a);
          current = m.partitions;
          markJoined(a);
          break;
        }
        case 'rebalancing':
          rebalances.push(m.at);
          current = [];
          break;
        case 'report':
          for (const b of m.batches) {
            batches.push(b);
            records += b.records;
          }
          for (const l of m.latency) latency.push(l);
          bad = m.bad;
          break;
        case 'left':
          leftAt = m.at;
          break;
      }
    },
  });
  return {
    ...child,
    ready: child.ready.then(() => {}),
    joined,
    go: () => child.send({ type: 'go' }),
    joiningAt: () => joiningAt,
    leftAt: () => leftAt,
    assignments: () => [...assignments],
    rebalances: () => [...rebalances],
    partitions: () => [...current],
    batches: () => batches,
    latency: () => latency,
    records: () => records,
    bad: () => bad,
  };
}

/**
 * Whether the members' own latest assignments hold each of partitions 0..n-1 exactly once: every
 * member has synced to the same generation (a member still holding an older one would double-count or
 * leave a hole). Pure.
 */
export function coversExactly(assignments: readonly (readonly number[])[], n: number): boolean {
  const seen = new Set<number>();
  for (const ps of assignments)
    for (const p of ps) {
      if (p < 0 || p >= n || seen.has(p)) return false;
      seen.add(p);
    }
  return seen.size === n;
}

/**
 * Waits until `group` has settled with exactly `members` (running, joined): the coordinator calls it
 * Stable with that many members, and their latest assignments cover every partition of the topic once.
 * Resolves with the epoch ms it was seen settled; throws a WaitTimeout naming what it last saw.
 */
export async function waitForSettledGroup(
  admin: Admin,
  group: string,
  members: readonly ScaleConsumer[],
  partitions: number,
  timeoutMs = 60_000,
): Promise<number> {
  let seen = 'nothing yet';
  const r = await waitFor(
    async () => {
      const held = members.map((m) => m.partitions());
      const d = (await admin.describeGroups([group])).groups[0];
      seen = `${d?.state ?? 'unknown'} with ${d?.members.length ?? 0} members; members hold ${held
        .map((p) => `[${p.join(',')}]`)
        .join(' ')}`;
      return d?.state === 'Stable' && d.members.length === members.length && coversExactly(held, partitions);
    },
    {
      timeoutMs,
      intervalMs: 100,
      abort: () => {
        const dead = members.find((m) => !m.running());
        return dead ? `${dead.name} exited:\n${dead.lines().slice(-10).join('\n')}` : undefined;
      },
    },
  );
  if (!r.ok)
    throw new WaitTimeout(
      `group ${group} to settle with ${members.length} members over ${partitions} partitions`,
      `${r.reason}; last seen: ${seen}`,
    );
  return Date.now();
}
