// Lab 09's broker-failure experiment: what acks=all costs and keeps when brokers die. On the caller's
// 3-node cluster (RF 3, min.insync.replicas 2), lab 02's producer (idempotent, acks=all, one send() per
// partition and one at a time: lib/send.ts) sends at a steady rate while a consumer group reads along:
//   1. the leader of partition 0 is SIGKILLed and restarted `oneDownMs` later: every send waits until the
//      controller fences the dead broker (broker.session.timeout.ms, 9 s) and shrinks the ISRs, its
//      partitions get new leaders, and after the restart its replicas catch up into the ISR;
//   2. once every ISR is full and the producer current again, two of the three are SIGKILLed together.
//      The controller quorum goes with them, so the survivor's metadata freezes: nothing reaches
//      min.insync.replicas and every send blocks until both are back and their old sessions expire;
//   3. once the consumer group has read up to the recovery, the producer stops; both topics are read back
//      and audited by transaction id: nothing acknowledged may be missing, everything else must have been
//      reported failed, duplicates are counted.
// The timeline is lib/scale/failover-sampler.ts's. kafkajs loses acknowledged records on a leader change
// during a send() that spans partitions (README, "On a multi-broker Kafka"): a regression of txlab's
// workaround shows here as acked_missing > 0.
import { type Kafka, logLevel } from 'kafkajs';
import { config } from '../config.ts';
import { drainTopic, endOffsets } from '../drain.ts';
import { TxlabError } from '../errors.ts';
import { type Scheduled, TransactionGenerator } from '../generator/index.ts';
import { createKafka, createProducer, withAdmin } from '../kafka.ts';
import { DeliveryStats, produceLive } from '../produce.ts';
import { PartitionCounts } from '../send.ts';
import type { KafkaCluster, PartitionState } from '../stack/cluster.ts';
import { seconds, sleep, waitFor, waitUntil } from '../wait.ts';
import { clusterState, fullyInSync, ledBy } from './cluster-state.ts';
import { auditDeliveries, auditPhases, brokenPromises } from './delivery-audit.ts';
import { DueStream } from './due-stream.ts';
import type { Failover, FailoverEvent, FailoverMark } from './failover-result.ts';
import { type FailoverSample, type Sampler, startSampler } from './failover-sampler.ts';
import { type GroupReader, startGroupReader } from './group-reader.ts';
import { SendLog, logSends } from './send-log.ts';

export type * from './failover-result.ts';
export { sampleLine } from './failover-sampler.ts';

const REPLICATION_FACTOR = 3;
const MIN_INSYNC = 2;
/** produceLive's own bound; the phases stop it long before */
const PRODUCE_CAP_MS = 15 * 60_000;

export type FailoverOptions = {
  /** a running 3-node cluster (lib/stack/cluster.ts startCluster(3)); every node runs again when this returns */
  cluster: KafkaCluster;
  /** partitions of the topic (default 6) */
  partitions?: number;
  /** events per second, steady: no peak hours (default 500) */
  rate?: number;
  /** generator seed (default: SEED) */
  seed?: number;
  /** phase 1: the leader of partition 0 is killed this long after the producer starts (default 5 s) */
  killAtMs?: number;
  /** phase 1: and restarted this long after its kill (default 15 s) */
  oneDownMs?: number;
  /** phase 2 starts this long after phase 1 is over: every ISR full, the producer current (default 3 s) */
  settleMs?: number;
  /** phase 2: two brokers down this long (default 8 s; 0: no phase 2) */
  twoDownMs?: number;
  /** the producer stops this long after the last phase is over and the consumer group has read up to it (default 2 s) */
  tailMs?: number;
  /**
   * the longest wait between the producer's (and the consumer's) retries (default 1 s). kafkajs doubles
   * the wait up to 30 s, so a producer blocked for 20 s would resume up to 30 s after the cluster is back
   */
  retryMaxMs?: number;
  /** one sample this often (default 250 ms) */
  sampleMs?: number;
  /** for the ISR to be full and the producer current again after a restart (default 60 s) */
  recoveryTimeoutMs?: number;
  signal?: AbortSignal;
  /** what happens, as it happens: one line each */
  note?: (line: string) => void;
  onSample?: (s: FailoverSample) => void;
};

type Parameters = Failover['parameters'];

export async function runFailover(o: FailoverOptions): Promise<Failover> {
  const c = o.cluster;
  const brokers = c.nodes.map((x) => x.id);
  if (brokers.length !== 3 || c.brokers().length !== 3)
    throw new TxlabError(
      `failover: needs a cluster of 3 running brokers, got ${c.brokers().length} of ${brokers.length}`,
    );
  const cfg = config();
  const p: Parameters = {
    partitions: o.partitions ?? 6,
    replication_factor: REPLICATION_FACTOR,
    min_insync_replicas: MIN_INSYNC,
    rate: o.rate ?? 500,
    seed: o.seed ?? cfg.generator.seed,
    kill_at_ms: o.killAtMs ?? 5_000,
    one_down_ms: o.oneDownMs ?? 15_000,
    settle_ms: o.settleMs ?? 3_000,
    two_down_ms: o.twoDownMs ?? 8_000,
    tail_ms: o.tailMs ?? 2_000,
    retry_max_ms: o.retryMaxMs ?? 1_000,
    sample_ms: o.sampleMs ?? 250,
  };
  const note = o.note ?? (() => {});
  const tag = crypto.randomUUID().slice(0, 8);
  const topics = {
    transactions: `${cfg.topics.transactions}.failover-${tag}`,
    labels: `${cfg.topics.labels}.failover-${tag}`,
  };
  const group = `${topics.transactions}.live`;
  const began = performance.now();
  await c.createTopics(Object.values(topics).map((topic) => ({ topic, partitions: p.partitions })));
  const kafka = createKafka('txlab-failover', cfg, {
    brokers: c.nodes.map((x) => x.address),
    logLevel: logLevel.NOTHING,
  });
  // retried for as long as it takes (kafkajs's default for an idempotent producer), at most a second apart
  const inner = createProducer(kafka, {
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: p.retry_max_ms },
  });
  const killed = new Set<number>();
  /** brokers not killed, or restarted and listed again: what the timeline calls up */
  const serving = new Set(brokers);
  const describe = () =>
    describeVia(
      c.nodes.filter((x) => serving.has(x.id)).map((x) => x.address),
      topics.transactions,
    );
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let producing: Promise<Scheduled[]> | undefined;
  let sampler: Sampler | undefined;
  let reader: GroupReader | undefined;
  // the clock: ms since the producer started, for samples, marks and the records' due times
  let t0 = Date.now();
  const at = () => Date.now() - t0;
  try {
    // the consumer group reads along; it has joined before the clock starts
    reader = await startGroupReader(kafka, group, topics.transactions, { at, retryMaxMs: p.retry_max_ms });
    await inner.connect();
    t0 = Date.now();
    const log = new SendLog();
    const stream = new DueStream(
      new TransactionGenerator({ ...cfg.generator, seed: p.seed, peakFactor: 1 }).stream(t0, p.rate),
    );
    const stats = new DeliveryStats();
    producing = produceLive(
      logSends(inner, topics.transactions, log, at, t0),
      new PartitionCounts(kafka),
      topics,
      stream,
      stats,
      { durationMs: PRODUCE_CAP_MS, signal: stop.signal },
    );
    const s = startSampler({
      brokers,
      up: () => serving,
      describe,
      minInsync: MIN_INSYNC,
      log,
      stream,
      epochMs: t0,
      at,
      consumed: reader.read,
      sampleMs: p.sample_ms,
      onSample: o.onSample,
    });
    sampler = s;

    const marks: FailoverMark[] = [];
    const mark = (event: FailoverEvent, ids: number[], t = at()) => {
      marks.push({ t_ms: t, event, brokers: ids });
      note(`failover: ${(t / 1000).toFixed(1)} s  ${event}${ids.length ? ` (broker ${ids.join(', ')})` : ''}`);
      return t;
    };
    const until = async (t: number) => {
      await sleep(Math.max(0, t - at()), stop.signal);
      if (stop.signal.aborted) throw new TxlabError('failover: stopped before it finished');
    };
    const recovery = { timeoutMs: o.recoveryTimeoutMs ?? 60_000, intervalMs: 50, signal: stop.signal };

    /** Kills `ids` together, restarts them `downMs` later, waits for every ISR full and the producer current. */
    const fail = async (ids: number[], downMs: number) => {
      const before = await describe();
      const led = ids.flatMap((id) => ledBy(before, id)).sort((a, b) => a - b);
      const kill = mark('kill', ids);
      for (const id of ids) {
        killed.add(id);
        serving.delete(id);
      }
      await Promise.all(ids.map((id) => c.kill(id)));
      await until(kill + downMs);
      const restart = mark('restart', ids);
      const pending = log.window(restart, restart);
      await Promise.all(ids.map((id) => c.restart(id)));
      for (const id of ids) {
        killed.delete(id);
        serving.add(id);
      }
      const rejoined = mark('rejoined', ids);
      const full = await waitUntil(
        `every replica of ${topics.transactions} back in sync`,
        () => s.first(rejoined, fullyInSync),
        recovery,
      );
      mark('isr-full', brokers, full.t);
      // the phase is over when the producer sends what is due now again
      const over = await waitUntil(
        `the producer to acknowledge records due after ${full.t} ms again`,
        () => log.firstAckDueAfter(full.t, full.t),
        recovery,
      );
      const shrunk = s.first(kill, (parts) => parts.some((x) => x.isr.length < x.replicas.length))?.t;
      if (shrunk !== undefined) mark('isr-shrunk', ids, shrunk);
      const moved = s.first(kill, (parts) => led.every((n) => movedFrom(parts, n, before)))?.t;
      if (moved !== undefined) mark('new-leader', ids, moved);
      const phase = {
        brokers: ids,
        survivors: brokers.filter((b) => !ids.includes(b)),
        partitions_led: led,
        kill_at_ms: kill,
        restart_at_ms: restart,
        isr_shrunk_ms: shrunk === undefined ? null : shrunk - kill,
        new_leader_ms: moved === undefined ? null : moved - kill,
        acked_while_down: log.ackedIn(kill, restart, kill),
        pending_at_restart: { records: pending.pending, oldest_ms: pending.oldest_pending_ms },
        rejoined_ms: rejoined - restart,
        isr_full_ms: full.t - restart,
        leaders_after: clusterState(full.parts, brokers, new Set(brokers), MIN_INSYNC).leaders,
      };
      return { phase, over };
    };
    /** what a phase's sends and samples show from its kill to its end */
    const tally = (kill: number, end: number) => {
      const w = log.window(kill, end);
      const within = s.samples.filter((x) => x.t_ms > kill && x.t_ms <= end);
      const stall = log.longestAckGap(kill, end);
      const current = log.firstAckDueAfter(stall.to_ms, stall.to_ms) ?? end;
      mark('caught-up', [], current);
      const resumed = within.find((x) => x.t_ms > stall.to_ms && x.consumed > 0)?.t_ms;
      if (resumed !== undefined) mark('read-resumed', [], resumed);
      return {
        end_at_ms: end,
        stall,
        caught_up_ms: current - kill,
        read_resumed_ms: resumed === undefined ? null : resumed - kill,
        acked: w.acked,
        failed: w.failed,
        send_ack_ms: w.send_ack_ms,
        due_ack_ms: w.due_ack_ms,
        peak_backlog: Math.max(0, ...within.map((x) => x.backlog)),
      };
    };

    // 1. one broker: the leader of partition 0
    await until(p.kill_at_ms);
    const victim = (await describe()).find((x) => x.partition === 0)?.leader ?? -1;
    if (victim < 0) throw new TxlabError(`failover: ${topics.transactions}[0] has no leader to kill`);
    const one = await fail([victim], p.one_down_ms);

    // 2. two of three, together; the survivor is phase 1's broker, which leads nothing now
    let two: typeof one | undefined;
    if (p.two_down_ms > 0) {
      await until(one.over + p.settle_ms);
      two = await fail(
        brokers.filter((b) => b !== victim),
        p.two_down_ms,
      );
    }

    // 3. the consumer group reads what was written up to the last recovery, the tail; stop, read
    // everything back, audit by transaction id
    const last = (two ?? one).over;
    const ends = await endOffsets(kafka, topics.transactions);
    const caughtUp = await waitFor(() => reader?.reached(ends) && at(), recovery);
    if (caughtUp.ok) mark('read-caught-up', [], caughtUp.value);
    else note(`failover: the consumer group had not read up to the recovery after ${seconds(caughtUp.ms)}`);
    await until(Math.max(last, at()) + p.tail_ms);
    const end = mark('stop', []);
    stop.abort();
    const delivered = await producing;
    await s.stop(end);
    await reader.stop();
    const read = await readIds(kafka, topics.transactions);
    const readLabels = await readIds(kafka, topics.labels);
    const sent = stream.handed().slice(0, stats.sent);
    const split = two?.phase.kill_at_ms ?? Number.POSITIVE_INFINITY;
    const audits = auditPhases(sent, delivered, read, [t0 + split]);
    const ids = (xs: readonly Scheduled[]) => xs.map((x) => x.event.transaction_id);
    const labels = auditDeliveries(
      ids(sent.filter((x) => x.label)),
      new Set(ids(delivered.filter((x) => x.label))),
      readLabels,
    );
    const one_down = { ...one.phase, ...tally(one.phase.kill_at_ms, Math.min(split, end)), audit: audits.phases[0]! };
    const two_down = two ? { ...two.phase, ...tally(split, end), audit: audits.phases[1]! } : null;
    return {
      parameters: p,
      topic: topics.transactions,
      brokers,
      ms: Math.round(performance.now() - began),
      samples: s.samples,
      marks: marks.sort((a, b) => a.t_ms - b.t_ms),
      one_down,
      two_down,
      audit: { ...audits.whole, failed_reported: stats.failed },
      labels,
      consumer: {
        consumed: reader.read(),
        caught_up_at_ms: caughtUp.ok ? caughtUp.value : null,
        crashes: reader.crashes,
      },
      errors: [...stats.errors].map(([message, records]) => ({ message, records })),
      broken: brokenPromises(audits.whole, stats, labels),
    };
  } finally {
    stop.abort();
    o.signal?.removeEventListener('abort', onAbort);
    await producing?.catch(() => {});
    await sampler?.stop(at()).catch(() => {});
    await Promise.all([reader?.stop(), inner.disconnect()]).catch(() => {});
    // a caller that goes on with the cluster gets it whole again (one that stopped us tears it down)
    if (!o.signal?.aborted)
      for (const id of killed) await c.restart(id).catch((e) => note(`failover: broker ${id} did not restart: ${e}`));
    if (c.brokers().length === brokers.length)
      await withAdmin(kafka, async (a) => {
        await a.deleteGroups([group]).catch(() => {});
        await a.deleteTopics({ topics: Object.values(topics) });
      }).catch(() => {});
  }
}

/** Partition `n` has a leader, another than the one it had `before`. */
function movedFrom(parts: PartitionState[], n: number, before: PartitionState[]): boolean {
  const now = parts.find((x) => x.partition === n)?.leader ?? -1;
  return now >= 0 && now !== (before.find((x) => x.partition === n)?.leader ?? -1);
}

/** Every record on `topic`, by transaction_id, copies included. */
async function readIds(kafka: Kafka, topic: string): Promise<string[]> {
  const offsets = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
  const total = offsets.reduce((n, x) => n + Number(x.high) - Number(x.low), 0);
  const ids: string[] = [];
  await drainTopic(kafka, topic, total, (m) => ids.push(String(JSON.parse(m.value!.toString()).transaction_id)));
  return ids;
}

/** The topic's partitions as the metadata of one of `via` has it (a node just started may not answer yet). */
async function describeVia(via: string[], topic: string): Promise<PartitionState[]> {
  const kafka = createKafka('txlab-failover-metadata', config(), {
    brokers: via,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 2, initialRetryTime: 100 },
  });
  return withAdmin(kafka, async (admin) => {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    return (meta.topics[0]?.partitions ?? [])
      .map((x) => ({ partition: x.partitionId, leader: x.leader, replicas: x.replicas, isr: x.isr }))
      .sort((a, b) => a.partition - b.partition);
  });
}
