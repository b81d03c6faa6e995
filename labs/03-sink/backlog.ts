// What the sink group finds on the topic before this run's input: messages that earlier runs left and the
// group has not stored yet (in `npm run all`, lab 02's events). The group stores them first, as a sink
// must, and the lab reports them apart: the run's own figures start from the sinks' counters once the
// backlog is in (countersSince), and from the topic's end offsets at that moment (measure.ts).
import type { Admin } from 'kafkajs';
import { groupLag, totalLag, waitForCaughtUp } from '../../lib/lag.ts';
import { REJECT_REASONS, type SinkSnapshot } from '../../lib/sink/counters.ts';
import { waitUntil } from '../../lib/wait.ts';
import type { SinkGroup } from './group.ts';

export type Backlog = {
  /** messages the group had not committed when the lab started */
  messages: number;
  rows_inserted: number;
  duplicates: number;
  dead_lettered: number;
  seconds: number;
  /** each sink's counters once the backlog was in, by sink id */
  baseline: Map<string, SinkSnapshot>;
};

/** The group's lag on `topic` now: what it would read before anything this run sends. */
export async function pendingMessages(admin: Admin, group: string, topic: string): Promise<number> {
  return totalLag(await groupLag(admin, group, topic));
}

/**
 * Waits until the (started) sinks have stored the `pending` messages, then until each has reported
 * counters taken after that (two fresh reports: a sink reports every 500 ms), and returns them as the
 * baseline. Nothing pending: the baseline is whatever they have counted (nothing, normally).
 */
export async function storeBacklog(
  admin: Admin,
  sinks: SinkGroup,
  o: { group: string; topic: string; pending: number; signal?: AbortSignal; onLag?: (left: number) => void },
): Promise<Backlog> {
  const t0 = performance.now();
  if (o.pending > 0) {
    // a generous deadline: the backlog can be large, and the sinks store a few thousand rows a second at worst
    const caughtUp = waitForCaughtUp(admin, o.group, o.topic, {
      timeoutMs: 90_000 + o.pending,
      intervalMs: 200,
      signal: o.signal,
      onLag: o.onLag,
    });
    await caughtUp.catch((e) => {
      if (!o.signal?.aborted) throw e;
    });
    if (!o.signal?.aborted) await freshReports(sinks, 2);
  }
  const seconds = (performance.now() - t0) / 1000;
  const baseline = new Map(sinks.members.map((s) => [s.id, s.snapshot()] as const).filter(hasSnapshot));
  const sum = (f: (s: SinkSnapshot) => number) => [...baseline.values()].reduce((a, s) => a + f(s), 0);
  return {
    messages: o.pending,
    rows_inserted: sum((s) => s.rows_inserted),
    duplicates: sum((s) => s.duplicates),
    dead_lettered: sum((s) => REJECT_REASONS.reduce((a, r) => a + (s.dlq[r] ?? 0), 0)),
    seconds: o.pending > 0 ? seconds : 0,
    baseline,
  };
}

const hasSnapshot = (e: readonly [string, SinkSnapshot | undefined]): e is readonly [string, SinkSnapshot] =>
  e[1] !== undefined;

/** Waits until every sink has sent `n` new reports (each report is a new object): counters taken after now. */
export async function freshReports(sinks: SinkGroup, n: number): Promise<void> {
  const seen = sinks.members.map((s) => ({ last: s.snapshot(), fresh: 0 }));
  await waitUntil(
    `a fresh report from each sink`,
    () =>
      sinks.members.every((s, i) => {
        const w = seen[i]!;
        const now = s.snapshot();
        if (now !== w.last) [w.last, w.fresh] = [now, w.fresh + 1];
        return w.fresh >= n;
      }),
    { timeoutMs: 10_000, intervalMs: 20 },
  );
}

/**
 * A sink's counters since `base` (its counters at an earlier moment; none: since it started): every count
 * less the base's, and of the per-write samples (kept in order, the first 20k writes) those after the
 * base's writes.
 */
export function countersSince(now: SinkSnapshot, base: SinkSnapshot | undefined): SinkSnapshot {
  if (!base) return now;
  return {
    id: now.id,
    messages: now.messages - base.messages,
    rows_inserted: now.rows_inserted - base.rows_inserted,
    duplicates: now.duplicates - base.duplicates,
    dlq: Object.fromEntries(
      REJECT_REASONS.map((r) => [r, (now.dlq[r] ?? 0) - (base.dlq[r] ?? 0)]),
    ) as SinkSnapshot['dlq'],
    db_writes: now.db_writes - base.db_writes,
    retries: now.retries - base.retries,
    offsets_committed: now.offsets_committed - base.offsets_committed,
    write_rows: now.write_rows.slice(base.db_writes),
    write_ms: now.write_ms.slice(base.db_writes),
    time_ms: {
      decode: now.time_ms.decode - base.time_ms.decode,
      db: now.time_ms.db - base.time_ms.db,
      dlq: now.time_ms.dlq - base.time_ms.dlq,
      commit: now.time_ms.commit - base.time_ms.commit,
    },
  };
}
