// What a rebalance costs a consumer group on a live stream (lab 09). A producer sends at a fixed rate
// while consumer processes (consumer-main.ts) read; one after another a member joins, one leaves
// gracefully (SIGTERM: it sends LeaveGroup) and one crashes (SIGKILL: nothing is sent; the coordinator
// notices only when its session times out). For each, from what the members reported:
//   - the group's pause: the longest stretch, ending after the event, in which no member finished a batch;
//   - per partition: its longest stretch without a batch (the last record before to the first after),
//     which member held it before and after, and when the new holder was assigned it;
//   - when the event was noticed (a member's first rebalance) and when the partitions had all moved;
//   - end-to-end latency (now − the record's timestamp) of the records read from the event until the
//     group was steady again, against the steady state before the first event.
// kafkajs speaks the classic (eager) group protocol: in every rebalance every member gives up all its
// partitions, so the whole group pauses, not only the partitions that move. The analysis is pure
// (`analyzeEvent`, `longestGap`, `throughputTimeline`); `measureRebalances` runs the engines.
import { logLevel } from 'kafkajs';
import { config } from '../config.ts';
import { type Scheduled, TransactionGenerator } from '../generator/index.ts';
import { createKafka, createProducer } from '../kafka.ts';
import { groupLag, totalLag } from '../lag.ts';
import { type Percentiles, percentiles } from '../percentiles.ts';
import { DeliveryStats, produceLive } from '../produce.ts';
import { PartitionCounts } from '../send.ts';
import type { KafkaCluster } from '../stack/cluster.ts';
import { sleep, waitUntil } from '../wait.ts';
import { type ScaleConsumer, spawnScaleConsumer, waitForSettledGroup } from './consumer-process.ts';

export const REBALANCE_KINDS = ['join', 'leave', 'crash'] as const;
export type RebalanceKind = (typeof REBALANCE_KINDS)[number];

export type RebalanceOptions = {
  /** a running cluster (lib/stack/cluster.ts); the topic is created on it */
  cluster: KafkaCluster;
  /** default 6 */
  partitions?: number;
  /** events per second (default 1 000) */
  rate?: number;
  /** members before the first event (default 2) */
  initial?: number;
  /** the events, in order (default join, leave, crash) */
  events?: RebalanceKind[];
  /** default 10 000 ms (groupConsumerConfig's; kafkajs's own default is 30 000) */
  sessionTimeoutMs?: number;
  /** default 1 000 ms */
  heartbeatMs?: number;
  /** records per commit (default 500) */
  batch?: number;
  /** steady consumption kept before the first event and after each (default 3 000 ms) */
  settleMs?: number;
  seed?: number;
  note?: (line: string) => void;
  signal?: AbortSignal;
};

export const REBALANCE_DEFAULTS = {
  partitions: 6,
  rate: 1_000,
  initial: 2,
  events: [...REBALANCE_KINDS],
  sessionTimeoutMs: 10_000,
  heartbeatMs: 1_000,
  batch: 500,
  settleMs: 3_000,
} as const;

export type PartitionMove = {
  partition: number;
  /** the member that held it before the event, and after (null: none seen) */
  from: string | null;
  to: string | null;
  /** its longest stretch without a batch, ending after the event: last record before → first after */
  gap_ms: number;
  /** ms from the event to the gap's start and end (the start can be before the event) */
  gap_start_ms: number;
  gap_end_ms: number;
  /** ms from the event to the join that gave it to `to`; null if no assignment after the event names it */
  assigned_ms: number | null;
};

export type RebalanceEvent = {
  kind: RebalanceKind;
  /** the member that joined, left or crashed */
  member: string;
  /** ms from the start of the run */
  at_ms: number;
  members_before: number;
  members_after: number;
  /** ms from the event to the first member noticing it (a rebalance, or the joiner's own assignment) */
  noticed_ms: number | null;
  /** ms from the event to the last assignment of the settled group: every partition had moved */
  moved_ms: number;
  /** the group's longest stretch with no batch finished by any member, ending after the event */
  group_gap_ms: number;
  group_gap_start_ms: number;
  group_gap_end_ms: number;
  /**
   * the longest stall of any one partition: members stop when each notices the rebalance (at its next
   * heartbeat) and wait until the last has rejoined, so single partitions stall longer than the group
   */
  longest_partition_gap_ms: number;
  /** partitions whose holder changed */
  moved_partitions: number;
  partitions: PartitionMove[];
  /** end-to-end, of records read from the event until `settleMs` after the group settled */
  latency_ms: Percentiles;
};

export type TimelinePoint = { t_ms: number; records_per_s: number };

export type RebalanceResult = {
  parameters: {
    brokers: number;
    partitions: number;
    rate: number;
    initial: number;
    events: RebalanceKind[];
    session_timeout_ms: number;
    heartbeat_ms: number;
    batch: number;
    settle_ms: number;
    seed: number;
  };
  topic: string;
  group: string;
  produced: { acked: number; failed: number };
  consumed: number;
  bad: number;
  /** the steady state before the first event */
  baseline: { latency_ms: Percentiles; group_gap_ms: number; partition_gap_ms: number };
  events: RebalanceEvent[];
  /** the group's consumption per 250 ms, as records/s, from the start */
  timeline: TimelinePoint[];
  ms: number;
};

// ---- the analysis (pure) ----

export type Gap = { ms: number; start: number; end: number };

/**
 * The longest stretch between consecutive times (sorted ascending) that ends after `after`: the pause
 * an event at `after` caused, or ran into. Undefined with fewer than two times or none after `after`.
 */
export function longestGap(times: readonly number[], after = Number.NEGATIVE_INFINITY): Gap | undefined {
  let best: Gap | undefined;
  for (let i = 1; i < times.length; i++) {
    const [start, end] = [times[i - 1]!, times[i]!];
    if (end <= after) continue;
    if (!best || end - start > best.ms) best = { ms: end - start, start, end };
  }
  return best;
}

/** Records per second in buckets of `bucketMs` from `from` to `to` (times are the batches' ends). */
export function throughputTimeline(
  batches: readonly { at: number; records: number }[],
  from: number,
  to: number,
  bucketMs = 250,
): TimelinePoint[] {
  const n = Math.max(0, Math.ceil((to - from) / bucketMs));
  const sums = new Array<number>(n).fill(0);
  for (const b of batches) {
    const i = Math.floor((b.at - from) / bucketMs);
    if (i >= 0 && i < n) sums[i]! += b.records;
  }
  return sums.map((s, i) => ({ t_ms: i * bucketMs, records_per_s: Math.round((s * 1000) / bucketMs) }));
}

export type MemberTimeline = {
  name: string;
  batches: readonly { partition: number; records: number; at: number }[];
  assignments: readonly { at: number; partitions: readonly number[] }[];
  rebalances: readonly number[];
  latency: readonly (readonly [number, number])[];
};

export type EventWindow = {
  kind: RebalanceKind;
  member: string;
  /** epoch ms: the event, the group seen settled after it, the end of the steady stretch after that */
  at: number;
  settled: number;
  end: number;
  /** epoch ms the run started (for at_ms) */
  runStart: number;
  membersBefore: number;
  membersAfter: number;
};

/** One event's pause, moves and latency, from every member's reports (the dead ones' included). Pure. */
export function analyzeEvent(w: EventWindow, members: readonly MemberTimeline[], partitions: number): RebalanceEvent {
  const inWindow = (t: number, from: number) => t >= from && t <= w.end;
  const since = (t: number) => t - w.at;
  const all = members.flatMap((m) => m.batches.map((b) => ({ ...b, member: m.name })));
  // a steady stretch of the same length before the event is enough to find the last batch before it
  const from = w.at - Math.max(2_000, w.end - w.settled);
  const times = all
    .filter((b) => inWindow(b.at, from))
    .map((b) => b.at)
    .sort((a, b) => a - b);
  const gap = longestGap(times, w.at) ?? { ms: 0, start: w.at, end: w.at };

  const moves: PartitionMove[] = [];
  for (let p = 0; p < partitions; p++) {
    const mine = all.filter((b) => b.partition === p && inWindow(b.at, from)).sort((a, b) => a.at - b.at);
    const g = longestGap(
      mine.map((b) => b.at),
      w.at,
    );
    // holders from the members' own assignments: the last one before the event, and the settled one after;
    // the newest wins (a member that left earlier still has its last assignment on record)
    const holder = (from: number, to: number) => {
      let newest: { m: MemberTimeline; a: MemberTimeline['assignments'][number] } | undefined;
      for (const m of members) {
        const a = m.assignments.findLast((x) => x.at >= from && x.at <= to);
        if (a?.partitions.includes(p) && (!newest || a.at > newest.a.at)) newest = { m, a };
      }
      return newest;
    };
    const before = holder(Number.NEGATIVE_INFINITY, w.at)?.m.name ?? mine.findLast((b) => b.at <= w.at)?.member;
    const after = holder(w.at, w.settled);
    const to = after?.m.name ?? (g ? mine.find((b) => b.at >= g.end) : mine.find((b) => b.at > w.at))?.member ?? null;
    moves.push({
      partition: p,
      from: before ?? null,
      to,
      gap_ms: g?.ms ?? 0,
      gap_start_ms: g ? since(g.start) : 0,
      gap_end_ms: g ? since(g.end) : 0,
      assigned_ms: after ? since(after.a.at) : null,
    });
  }

  const noticed = members.flatMap((m) => [
    ...m.rebalances.filter((t) => t >= w.at),
    ...(m.name === w.member && w.kind === 'join' ? m.assignments.map((a) => a.at).filter((t) => t >= w.at) : []),
  ]);
  const lastJoins = members.flatMap((m) =>
    m.assignments.filter((a) => a.at >= w.at && a.at <= w.settled).map((a) => a.at),
  );
  const latency = members.flatMap((m) => m.latency.filter(([t]) => t >= w.at && t <= w.end).map(([, ms]) => ms));
  return {
    kind: w.kind,
    member: w.member,
    at_ms: w.at - w.runStart,
    members_before: w.membersBefore,
    members_after: w.membersAfter,
    noticed_ms: noticed.length ? since(Math.min(...noticed)) : null,
    moved_ms: since(lastJoins.length ? Math.max(...lastJoins) : w.settled),
    group_gap_ms: gap.ms,
    group_gap_start_ms: since(gap.start),
    group_gap_end_ms: since(gap.end),
    longest_partition_gap_ms: Math.max(0, ...moves.map((m) => m.gap_ms)),
    moved_partitions: moves.filter((m) => m.from !== m.to).length,
    partitions: moves,
    latency_ms: percentiles(latency),
  };
}

/** The steady state in [from, to]: latency, and the longest gaps of the group and of any one partition. */
export function analyzeBaseline(members: readonly MemberTimeline[], from: number, to: number, partitions: number) {
  const all = members.flatMap((m) => m.batches).filter((b) => b.at >= from && b.at <= to);
  const gapOf = (bs: typeof all) =>
    longestGap(
      bs.map((b) => b.at).sort((a, b) => a - b),
      from,
    )?.ms ?? 0;
  const perPartition = Array.from({ length: partitions }, (_, p) => gapOf(all.filter((b) => b.partition === p)));
  return {
    latency_ms: percentiles(
      members.flatMap((m) => m.latency.filter(([t]) => t >= from && t <= to).map(([, ms]) => ms)),
    ),
    group_gap_ms: gapOf(all),
    partition_gap_ms: Math.max(0, ...perPartition),
  };
}

/** An endless seeded stream at `rate` events/s from now, without fraud labels (only events are read here). */
export function liveStream(seed: number, rate: number, startMs = Date.now()): Iterator<Scheduled> {
  const stream = new TransactionGenerator({ ...config().generator, seed }).stream(startMs, rate);
  return {
    next: () => {
      const r = stream.next();
      return r.done ? r : { done: false, value: { ...r.value, label: null } };
    },
  };
}

const timelineOf = (m: ScaleConsumer): MemberTimeline => ({
  name: m.name,
  batches: m.batches(),
  assignments: m.assignments(),
  rebalances: m.rebalances(),
  latency: m.latency(),
});

// ---- the run (engines) ----

/**
 * Runs the events on a live stream and measures each (see the file's header). Members are named
 * consumer-1, consumer-2, … in the order they start; a graceful leave takes the oldest member still
 * running, a crash the next one. Takes about settleMs × (events + 1) plus each event's own time (a
 * crash: the session timeout and a rebalance).
 */
export async function measureRebalances(o: RebalanceOptions): Promise<RebalanceResult> {
  const t0 = performance.now();
  const runStart = Date.now();
  const note = o.note ?? (() => {});
  const d = REBALANCE_DEFAULTS;
  const partitions = o.partitions ?? d.partitions;
  const rate = o.rate ?? d.rate;
  const initial = o.initial ?? d.initial;
  const kinds = o.events ?? [...d.events];
  const sessionTimeoutMs = o.sessionTimeoutMs ?? d.sessionTimeoutMs;
  const heartbeatMs = o.heartbeatMs ?? d.heartbeatMs;
  const batch = o.batch ?? d.batch;
  const settleMs = o.settleMs ?? d.settleMs;
  const seed = o.seed ?? config().generator.seed;
  let alive = initial;
  for (const k of kinds) {
    alive += k === 'join' ? 1 : -1;
    if (alive < 1) throw new Error(`rebalance: ${initial} members and events ${kinds.join(', ')} leave none running`);
  }

  const run = crypto.randomUUID().slice(0, 8);
  const topic = `scale.rebalance.${run}`;
  const group = `${topic}.group`;
  await o.cluster.createTopics([{ topic, partitions }]);
  const kafka = createKafka('txlab-scale-rebalance', config(), {
    brokers: o.cluster.brokers(),
    logLevel: logLevel.WARN,
  });
  const admin = kafka.admin();
  const producer = createProducer(kafka);
  await Promise.all([admin.connect(), producer.connect()]);

  const everyone: ScaleConsumer[] = [];
  let living: ScaleConsumer[] = [];
  const stopping: Promise<number>[] = [];
  const spawn = () => {
    const m = spawnScaleConsumer({
      name: `consumer-${everyone.length + 1}`,
      topic,
      group,
      brokers: o.cluster.brokers(),
      batch,
      sessionTimeoutMs,
      heartbeatMs,
    });
    everyone.push(m);
    living.push(m);
    return m;
  };
  const settle = (timeoutMs: number) => waitForSettledGroup(admin, group, living, partitions, timeoutMs);

  // the live stream, until every event is measured
  const producing = new AbortController();
  const stop = () => producing.abort();
  o.signal?.addEventListener('abort', stop, { once: true });
  const stats = new DeliveryStats();
  const sending = produceLive(
    producer,
    new PartitionCounts(kafka),
    { transactions: topic, labels: `${topic}.labels` },
    liveStream(seed, rate),
    stats,
    { durationMs: 24 * 3_600_000, signal: producing.signal },
  );

  const windows: EventWindow[] = [];
  let baselineFrom = 0;
  let baselineTo = 0;
  try {
    // 1. the initial members, settled and steady
    for (let i = 0; i < initial; i++) spawn();
    await Promise.all(living.map((m) => m.ready));
    baselineFrom = await settle(60_000);
    note(`rebalance: ${initial} members settled on ${partitions} partitions at ${rate} events/s`);
    await sleep(settleMs, o.signal);
    baselineTo = Date.now();

    // 2. each event, then the group settled again and steady for settleMs
    for (const kind of kinds) {
      if (o.signal?.aborted) break;
      const before = living.length;
      let member: ScaleConsumer;
      let at: number;
      if (kind === 'join') {
        member = spawn();
        await member.ready;
        at = await waitUntil(`${member.name} to start joining`, () => member.joiningAt(), { timeoutMs: 10_000 });
      } else {
        member = living[0]!;
        living = living.filter((m) => m !== member);
        at = Date.now();
        if (kind === 'leave') stopping.push(member.stop(15_000));
        else await member.kill();
      }
      const settled = await settle(sessionTimeoutMs + 60_000);
      await sleep(settleMs, o.signal);
      const w = {
        kind,
        member: member.name,
        at,
        settled,
        end: Date.now(),
        runStart,
        membersBefore: before,
        membersAfter: living.length,
      };
      windows.push(w);
      note(
        `rebalance: ${kind} of ${member.name}: partitions moved after ${((settled - at) / 1000).toFixed(1)} s ` +
          `(${before} → ${living.length} members)`,
      );
    }

    // 3. the stream stops; the members catch up before they leave
    stop();
    await sending;
    await waitUntil(`group ${group} to catch up`, async () => totalLag(await groupLag(admin, group, topic)) === 0, {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
  } finally {
    stop();
    o.signal?.removeEventListener('abort', stop);
    await sending.catch(() => {});
    await Promise.all([...living.map((m) => m.stop(15_000)), ...stopping]);
    await Promise.all([producer.disconnect(), admin.disconnect()]).catch(() => {});
  }

  const timelines = everyone.map(timelineOf);
  const batches = timelines.flatMap((t) => t.batches);
  return {
    parameters: {
      brokers: o.cluster.nodes.length,
      partitions,
      rate,
      initial,
      events: kinds,
      session_timeout_ms: sessionTimeoutMs,
      heartbeat_ms: heartbeatMs,
      batch,
      settle_ms: settleMs,
      seed,
    },
    topic,
    group,
    produced: { acked: stats.acked, failed: stats.failed },
    consumed: everyone.reduce((s, m) => s + m.records(), 0),
    bad: everyone.reduce((s, m) => s + Object.values(m.bad()).reduce((t, b) => t + (b?.count ?? 0), 0), 0),
    baseline: analyzeBaseline(timelines, baselineFrom, baselineTo, partitions),
    events: windows.map((w) => analyzeEvent(w, timelines, partitions)),
    timeline: throughputTimeline(batches, runStart, Math.max(runStart, ...batches.map((b) => b.at))),
    ms: Math.round(performance.now() - t0),
  };
}
