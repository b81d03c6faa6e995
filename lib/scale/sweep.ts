// Lab 09's sweeps: how fast a consumer group drains a backlog as consumers, partitions, batch size and
// brokers change, and where the CPU goes. Points run one after another, never two at once: on a small
// machine two points would measure each other.
//
// On a cluster of its own (lib/stack/cluster.ts) with 1 or 3 brokers, for each partition count P:
//   1. a topic of P partitions is filled with a backlog of N seeded transactions by lab 02's producer
//      (lib/produce.ts: one send() per partition, acks=all); its records/s per cluster size is the
//      replication cost: with 3 brokers every record is written three times, on the same cores;
//   2. for each batch size and consumer count C, C consumer processes (consumer-main.ts) join one fresh
//      group paused; once the group has settled (every partition held once), they are let go together;
//   3. the point is timed from the first batch to the last commit (records/s), the group's committed lag
//      is sampled as it falls, and the CPU seconds of every consumer and broker are read from /proc
//      (seconds per 1,000 events) beside how busy the whole machine was;
//   4. the consumers leave; the next point starts with a new group on the same backlog.
// With C = P + 1 one consumer holds no partition: a partition is read by one member of a group at most.
import { type Kafka, logLevel } from 'kafkajs';
import { config } from '../config.ts';
import { type Scheduled, TransactionGenerator } from '../generator/index.ts';
import { createKafka, createProducer } from '../kafka.ts';
import { groupLag, totalLag } from '../lag.ts';
import { DeliveryStats, produceAll } from '../produce.ts';
import { PartitionCounts } from '../send.ts';
import { type KafkaCluster, startCluster } from '../stack/cluster.ts';
import { WaitTimeout, waitFor } from '../wait.ts';
import { type ScaleConsumer, spawnScaleConsumer, waitForSettledGroup } from './consumer-process.ts';
import { type CpuUse, type MachineUse, type Watched, startCpuMeter } from './cpu.ts';

export type SweepOptions = {
  /** cluster sizes, each started in turn (default [1, 3]) */
  brokers?: number[];
  /** partition counts, a topic each (default [6]) */
  partitions?: number[];
  /** consumer counts (default per P: 1, 2, 3, P, P + 1; `full` makes it 1…P, P + 1) */
  consumers?: number[];
  /** every count from 1 to P + 1 instead of the default few */
  full?: boolean;
  /** records per commit (default [500]) */
  batches?: number[];
  /** backlog records per topic (default 120 000) */
  events?: number;
  seed?: number;
  /** per broker (default 512) */
  heapMb?: number;
  /** the consumers' session timeout (default 10 000 ms) */
  sessionTimeoutMs?: number;
  /** lag is read every this many ms during a drain (default 250) */
  lagIntervalMs?: number;
  /** per point, for the group to settle and then to drain (default 120 000 ms each) */
  timeoutMs?: number;
  note?: (line: string) => void;
  signal?: AbortSignal;
};

export const SWEEP_DEFAULTS = {
  brokers: [1, 3],
  partitions: [6],
  batches: [500],
  events: 120_000,
  heapMb: 512,
  sessionTimeoutMs: 10_000,
  lagIntervalMs: 250,
  timeoutMs: 120_000,
} as const;

/** the full sweep's axes (what the lab's `--full` should pass) */
export const FULL_SWEEP = { partitions: [3, 6, 12], batches: [100, 500, 2_000], full: true } as const;

export type LagSample = {
  /** ms since the consumers were let go */
  t_ms: number;
  /** the group's committed lag over every partition, as the broker has it */
  lag: number;
  /** records the consumers had reported handled by then */
  consumed: number;
};

export type MemberResult = {
  name: string;
  pid: number;
  partitions: number[];
  records: number;
  batches: number;
  /** ms from go to its first batch; null: it got none (no partition) */
  first_batch_ms: number | null;
};

export type SweepPoint = {
  brokers: number;
  partitions: number;
  consumers: number;
  batch: number;
  /** the backlog */
  events: number;
  group: string;
  /** spawn → every member's process up and connected */
  ready_ms: number;
  /** spawn → the first member holding partitions */
  first_assignment_ms: number;
  /** spawn → the group settled, every partition held by one member */
  settled_ms: number;
  /** first batch → last commit */
  drain_ms: number;
  records_per_s: number;
  /** handled by the members (more than `events` if some were handled twice) */
  records: number;
  bad: number;
  /** members that held no partition */
  idle_members: number;
  members: MemberResult[];
  lag: LagSample[];
  /** go → drained: each consumer, each broker, and the lab (this process: it reads the lag) */
  cpu: CpuUse[];
  machine: MachineUse;
};

export type FillResult = {
  brokers: number;
  partitions: number;
  topic: string;
  events: number;
  acked: number;
  failed: number;
  ms: number;
  records_per_s: number;
  /** the producer (this process) and each broker, per 1,000 records produced */
  cpu: CpuUse[];
  machine: MachineUse;
};

export type ClusterRun = { brokers: number; heap_mb: number; start_ms: number; fills: FillResult[] };

export type SweepResult = {
  parameters: {
    brokers: number[];
    partitions: number[];
    consumers: number[] | null;
    full: boolean;
    batches: number[];
    events: number;
    seed: number;
    heap_mb: number;
    session_timeout_ms: number;
  };
  clusters: ClusterRun[];
  points: SweepPoint[];
  /** what the numbers say, in sentences (scalingNotes) */
  notes: string[];
  ms: number;
};

/** The consumer counts of a sweep over P partitions. Pure. */
export function consumersFor(partitions: number, o: { consumers?: readonly number[]; full?: boolean } = {}): number[] {
  const wanted =
    o.consumers ??
    (o.full ? Array.from({ length: partitions + 1 }, (_, i) => i + 1) : [1, 2, 3, partitions, partitions + 1]);
  return [...new Set(wanted.filter((c) => c >= 1 && c <= partitions + 1))].sort((a, b) => a - b);
}

/** `n` seeded transactions over the last hour, without fraud labels: a sweep reads only the events. */
export function backlog(n: number, seed: number, nowMs = Date.now()): Scheduled[] {
  const gen = new TransactionGenerator({ ...config().generator, seed });
  return gen.backfill(n, nowMs - 3_600_000, nowMs).map((s) => ({ ...s, label: null }));
}

/** What a sweep needs of a running cluster: a client on it, its broker processes (for their CPU), a log. */
export type SweepTarget = { cluster: KafkaCluster; kafka: Kafka; note: (line: string) => void };

export function sweepTarget(cluster: KafkaCluster, note: (line: string) => void = () => {}): SweepTarget {
  const kafka = createKafka('txlab-scale-sweep', config(), { brokers: cluster.brokers(), logLevel: logLevel.WARN });
  return { cluster, kafka, note };
}

const brokersOf = (c: KafkaCluster): Watched[] =>
  c.nodes.filter((n) => n.pid !== undefined).map((n) => ({ process: `broker-${n.id}`, kind: 'broker', pid: n.pid! }));

/** 1. A topic of `partitions` filled with `events` by lab 02's producer, timed, with its CPU. */
export async function fillTopic(
  on: SweepTarget,
  topic: string,
  partitions: number,
  events: readonly Scheduled[],
): Promise<FillResult> {
  await on.cluster.createTopics([{ topic, partitions }]);
  const producer = createProducer(on.kafka);
  await producer.connect();
  try {
    const stats = new DeliveryStats();
    const meter = startCpuMeter([
      { process: 'producer', kind: 'producer', pid: process.pid },
      ...brokersOf(on.cluster),
    ]);
    const t0 = performance.now();
    await produceAll(
      producer,
      new PartitionCounts(on.kafka),
      { transactions: topic, labels: `${topic}.labels` },
      events,
      stats,
    );
    const ms = performance.now() - t0;
    const { cpu, machine } = meter.end(stats.acked);
    const brokers = on.cluster.nodes.length;
    const result = {
      brokers,
      partitions,
      topic,
      events: events.length,
      acked: stats.acked,
      failed: stats.failed,
      ms: Math.round(ms),
      records_per_s: Math.round((stats.acked / ms) * 1000),
      cpu,
      machine,
    };
    const errors = [...stats.errors].map(([e, n]) => `; ${n} failed: ${e}`).join('');
    on.note(
      `sweep: ${brokers} broker${brokers > 1 ? 's' : ''}, ${partitions} partitions: backlog of ${stats.acked} ` +
        `produced at ${fmt(result.records_per_s)} records/s${errors}`,
    );
    return result;
  } finally {
    await producer.disconnect().catch(() => {});
  }
}

/** 2–4. One point: `consumers` members drain the backlog of `topic` as one fresh group. */
export async function runSweepPoint(
  on: SweepTarget,
  p: { topic: string; partitions: number; events: number; consumers: number; batch: number },
  o: { sessionTimeoutMs?: number; lagIntervalMs?: number; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<SweepPoint> {
  const brokers = on.cluster.nodes.length;
  const group = `${p.topic}.c${p.consumers}.b${p.batch}.${crypto.randomUUID().slice(0, 8)}`;
  const timeoutMs = o.timeoutMs ?? SWEEP_DEFAULTS.timeoutMs;
  const admin = on.kafka.admin();
  await admin.connect();
  const spawnedAt = Date.now();
  const members: ScaleConsumer[] = Array.from({ length: p.consumers }, (_, i) =>
    spawnScaleConsumer({
      name: `consumer-${i + 1}`,
      topic: p.topic,
      group,
      brokers: on.cluster.brokers(),
      batch: p.batch,
      sessionTimeoutMs: o.sessionTimeoutMs ?? SWEEP_DEFAULTS.sessionTimeoutMs,
      // frequent reports end the CPU window close to the drain's real end
      reportMs: 50,
      paused: true,
    }),
  );
  try {
    // 2. every member up, joined and paused; the group settled
    await Promise.all(members.map((m) => m.ready));
    const readyAt = Date.now();
    const settledAt = await waitForSettledGroup(admin, group, members, p.partitions, timeoutMs);

    // 3. let go together; sample the lag until every record is handled and committed
    const meter = startCpuMeter([
      ...members.map((m): Watched => ({ process: m.name, kind: 'consumer', pid: m.pid })),
      ...brokersOf(on.cluster),
      { process: 'lab', kind: 'lab', pid: process.pid },
    ]);
    const goAt = Date.now();
    for (const m of members) m.go();
    const consumed = () => members.reduce((s, m) => s + m.records(), 0);
    const lag: LagSample[] = [];
    const every = o.lagIntervalMs ?? SWEEP_DEFAULTS.lagIntervalMs;
    let nextLagAt = 0;
    // the members' own count is local and cheap: watched closely, so the CPU window ends with the drain;
    // the broker's committed lag is read every `every` ms, and once more to confirm the end
    const drained = await waitFor(
      async () => {
        const done = consumed() >= p.events;
        if (!done && Date.now() < nextLagAt) return false;
        nextLagAt = Date.now() + every;
        const left = totalLag(await groupLag(admin, group, p.topic));
        lag.push({ t_ms: Date.now() - goAt, lag: left, consumed: consumed() });
        return left === 0 && done;
      },
      {
        timeoutMs,
        intervalMs: 25,
        signal: o.signal,
        abort: () => members.find((m) => !m.running())?.name.concat(' exited'),
      },
    );
    if (!drained.ok)
      throw new WaitTimeout(
        `group ${group} to drain ${p.events} records`,
        `${drained.reason}; ${consumed()} handled, lag ${lag.at(-1)?.lag ?? 'unknown'}`,
      );
    const { cpu, machine } = meter.end(p.events);

    const batches = members.flatMap((m) => m.batches());
    const first = Math.min(...batches.map((b) => b.fetched_at));
    const last = Math.max(...batches.map((b) => b.at));
    const drainMs = Math.max(1, last - first);
    const records = consumed();
    const result: SweepPoint = {
      brokers,
      partitions: p.partitions,
      consumers: p.consumers,
      batch: p.batch,
      events: p.events,
      group,
      ready_ms: readyAt - spawnedAt,
      first_assignment_ms:
        Math.min(...members.map((m) => m.assignments().find((a) => a.partitions.length > 0)?.at ?? settledAt)) -
        spawnedAt,
      settled_ms: settledAt - spawnedAt,
      drain_ms: drainMs,
      records_per_s: Math.round((p.events / drainMs) * 1000),
      records,
      bad: members.reduce((s, m) => s + Object.values(m.bad()).reduce((t, b) => t + (b?.count ?? 0), 0), 0),
      idle_members: members.filter((m) => m.partitions().length === 0).length,
      members: members.map((m) => {
        const own = m.batches();
        return {
          name: m.name,
          pid: m.pid,
          partitions: m.partitions(),
          records: m.records(),
          batches: own.length,
          first_batch_ms: own.length ? Math.min(...own.map((b) => b.fetched_at)) - goAt : null,
        };
      }),
      lag,
      cpu,
      machine,
    };
    const consumerCpu = cpu.filter((c) => c.kind === 'consumer').reduce((s, c) => s + c.per_1000_events, 0);
    const brokerCpu = cpu.filter((c) => c.kind === 'broker').reduce((s, c) => s + c.per_1000_events, 0);
    on.note(
      `sweep: ${brokers}b ${p.partitions}p batch ${p.batch}, ${p.consumers} consumer${p.consumers > 1 ? 's' : ''}: ` +
        `${result.records_per_s.toLocaleString('en')} records/s (${(drainMs / 1000).toFixed(1)} s)` +
        `${result.idle_members ? `, ${result.idle_members} idle` : ''}; ` +
        `CPU per 1,000: consumers ${consumerCpu.toFixed(3)} s, ` +
        `brokers ${brokerCpu.toFixed(3)} s; machine ${Math.round(machine.busy_share * 100)}% busy`,
    );
    return result;
  } finally {
    // 4. leave the group (SIGTERM), all at once
    await Promise.all(members.map((m) => m.stop(10_000)));
    await admin.disconnect().catch(() => {});
  }
}

/** 1–4 on a cluster that runs: every partition count filled once, then its points one after another. */
export async function sweepCluster(
  cluster: KafkaCluster,
  events: readonly Scheduled[],
  o: SweepOptions = {},
): Promise<{ fills: FillResult[]; points: SweepPoint[] }> {
  const on = sweepTarget(cluster, o.note);
  const run = crypto.randomUUID().slice(0, 8);
  const fills: FillResult[] = [];
  const points: SweepPoint[] = [];
  for (const partitions of o.partitions ?? SWEEP_DEFAULTS.partitions) {
    if (o.signal?.aborted) break;
    const topic = `scale.${run}.p${partitions}`;
    const fill = await fillTopic(on, topic, partitions, events);
    fills.push(fill);
    for (const batch of o.batches ?? SWEEP_DEFAULTS.batches)
      for (const consumers of consumersFor(partitions, o)) {
        if (o.signal?.aborted) break;
        points.push(await runSweepPoint(on, { topic, partitions, events: fill.acked, consumers, batch }, o));
      }
  }
  return { fills, points };
}

/** The whole sweep: each cluster size started in turn, swept, and stopped. */
export async function runSweep(o: SweepOptions = {}): Promise<SweepResult> {
  const t0 = performance.now();
  const note = o.note ?? (() => {});
  const seed = o.seed ?? config().generator.seed;
  const n = o.events ?? SWEEP_DEFAULTS.events;
  const heapMb = o.heapMb ?? SWEEP_DEFAULTS.heapMb;
  const events = backlog(n, seed);
  const clusters: ClusterRun[] = [];
  const points: SweepPoint[] = [];
  for (const size of o.brokers ?? SWEEP_DEFAULTS.brokers) {
    if (o.signal?.aborted) break;
    const started = performance.now();
    const cluster = await startCluster(size, { heapMb, note });
    try {
      const startMs = Math.round(performance.now() - started);
      const r = await sweepCluster(cluster, events, { ...o, note });
      clusters.push({ brokers: size, heap_mb: heapMb, start_ms: startMs, fills: r.fills });
      points.push(...r.points);
    } finally {
      await cluster.stop({ graceMs: 0 });
    }
  }
  return sweepResult(o, seed, clusters, points, Math.round(performance.now() - t0));
}

/** The sweep's result from what ran: its parameters as given or defaulted, the clusters, the points, the notes. */
export function sweepResult(
  o: SweepOptions,
  seed: number,
  clusters: ClusterRun[],
  points: SweepPoint[],
  ms: number,
): SweepResult {
  return {
    parameters: {
      brokers: o.brokers ?? [...SWEEP_DEFAULTS.brokers],
      partitions: o.partitions ?? [...SWEEP_DEFAULTS.partitions],
      consumers: o.consumers ?? null,
      full: o.full ?? false,
      batches: o.batches ?? [...SWEEP_DEFAULTS.batches],
      events: o.events ?? SWEEP_DEFAULTS.events,
      seed,
      heap_mb: o.heapMb ?? SWEEP_DEFAULTS.heapMb,
      session_timeout_ms: o.sessionTimeoutMs ?? SWEEP_DEFAULTS.sessionTimeoutMs,
    },
    clusters,
    points,
    notes: scalingNotes(
      points,
      clusters.flatMap((c) => c.fills),
    ),
    ms,
  };
}

const fmt = (x: number) => Math.round(x).toLocaleString('en');
const pct = (x: number) => `${Math.round(x * 100)}%`;
const consumers = (n: number) => `${n} consumer${n > 1 ? 's' : ''}`;
/** where a point's CPU went, in cores (CPU seconds over the measured stretch) */
function coresUsed(p: SweepPoint): string {
  const wall = Math.max(1e-9, p.machine.wall_s);
  const used = (kind: CpuUse['kind']) => (sumCpu(p.cpu, kind) / wall).toFixed(2);
  const b = p.brokers > 1 ? 'brokers' : 'broker';
  const other = (p.machine.other_s / wall).toFixed(2);
  return `consumers ${used('consumer')} cores, ${b} ${used('broker')}, the lab ${used('lab')}, other processes ${other}`;
}
const sumCpu = (cpu: readonly CpuUse[], kind: CpuUse['kind']) =>
  cpu.filter((c) => c.kind === kind).reduce((s, c) => s + c.cpu_s, 0);
const sumPer1000 = (cpu: readonly CpuUse[], kind: CpuUse['kind']) =>
  cpu.filter((c) => c.kind === kind).reduce((s, c) => s + c.per_1000_events, 0);

/**
 * What the sweep shows, in sentences with its numbers: per series (cluster size, partitions, batch), where
 * throughput stopped growing, where the CPU went there (cores used by the consumers, the brokers, the lab
 * and anything else), what more consumers did once the cores were busy; the idle member of C = P + 1; what
 * a replicated cluster costs the producer. Pure.
 */
export function scalingNotes(points: readonly SweepPoint[], fills: readonly FillResult[] = []): string[] {
  const notes: string[] = [];
  const series = new Map<string, SweepPoint[]>();
  for (const p of points) {
    const key = `${p.brokers}/${p.partitions}/${p.batch}`;
    series.set(key, [...(series.get(key) ?? []), p]);
  }
  for (const s of series.values()) {
    const sorted = [...s].sort((a, b) => a.consumers - b.consumers);
    const { brokers, partitions, batch } = sorted[0]!;
    const label = `${brokers} broker${brokers > 1 ? 's' : ''}, ${partitions} partitions, batch ${batch}`;
    const best = sorted.reduce((a, b) => (b.records_per_s > a.records_per_s ? b : a));
    // the plateau: the fewest consumers within 10% of the best
    const knee = sorted.find((p) => p.records_per_s >= 0.9 * best.records_per_s)!;
    const one = sorted.find((p) => p.consumers === 1);
    const beyond = sorted.filter((p) => p.consumers > knee.consumers);
    const growth =
      one && one !== knee ? ` (×${(knee.records_per_s / one.records_per_s).toFixed(1)} over 1 consumer)` : '';
    const bestText =
      best === knee ? '' : `; the best point, ${best.consumers} consumers, made ${fmt(best.records_per_s)}`;
    let text =
      `${label}: throughput stops growing at ${consumers(knee.consumers)}, ${fmt(knee.records_per_s)} records/s` +
      `${growth}${bestText}. ` +
      `There the machine's ${knee.machine.cores} cores were ${pct(knee.machine.busy_share)} busy ` +
      `(${coresUsed(knee)}).`;
    if (beyond.length > 0) {
      const busy = beyond.map((p) => p.machine.busy_share);
      const rates = beyond.map((p) => p.records_per_s);
      const last = beyond[beyond.length - 1]!;
      const who =
        beyond.length === 1 ? consumers(last.consumers) : `${beyond[0]!.consumers}–${last.consumers} consumers`;
      const range = (xs: number[], f: (x: number) => string) =>
        Math.min(...xs) === Math.max(...xs) ? f(xs[0]!) : `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
      text +=
        ` With ${who}, throughput was ${range(rates, fmt)} records/s while the cores were ${range(busy, pct)} busy ` +
        `and the consumers' CPU per 1,000 events rose from ${sumPer1000(knee.cpu, 'consumer').toFixed(3)} s ` +
        `to ${sumPer1000(last.cpu, 'consumer').toFixed(3)} s: ` +
        (Math.max(...busy) >= 0.9
          ? 'more consumers add only their own overhead, on cores that are full: the CPU is the limit.'
          : 'the cores were not saturated, so the limit is elsewhere (fetch and commit round trips, partitions).');
    }
    const noisy = sorted.filter((p) => p.machine.other_s / Math.max(1e-9, p.machine.wall_s) > 0.25);
    if (noisy.length > 0)
      text += ` Caution: processes outside this run used up to ${Math.max(
        ...noisy.map((p) => p.machine.other_s / p.machine.wall_s),
      ).toFixed(2)} cores during ${noisy.map((p) => p.consumers).join(', ')} consumers: the machine was not quiet.`;
    notes.push(text);
    for (const p of sorted.filter((x) => x.idle_members > 0))
      notes.push(
        `${label}, ${p.consumers} consumers: ${p.idle_members} of them held no partition and read nothing ` +
          `(${p.partitions} partitions: a group reads a partition with one member at most).`,
      );
  }
  for (const partitions of new Set(fills.map((f) => f.partitions))) {
    const bySize = fills.filter((f) => f.partitions === partitions).sort((a, b) => a.brokers - b.brokers);
    if (bySize.length < 2) continue;
    const [a, b] = [bySize[0]!, bySize[bySize.length - 1]!];
    notes.push(
      `producer, ${partitions} partitions: ${fmt(a.records_per_s)} records/s on ` +
        `${a.brokers} broker${a.brokers > 1 ? 's' : ''}, ` +
        `${fmt(b.records_per_s)} on ${b.brokers} (${(a.records_per_s / b.records_per_s).toFixed(1)}× slower): with ` +
        `replication every record is written ${Math.min(3, b.brokers)} times on the same cores; the brokers used ` +
        `${sumPer1000(a.cpu, 'broker').toFixed(3)} vs ${sumPer1000(b.cpu, 'broker').toFixed(3)} ` +
        'CPU-s per 1,000 records.',
    );
  }
  return notes;
}
