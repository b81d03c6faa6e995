// The broker-failure timeline (lib/scale/failover.ts): on a fixed cadence, one sample of the producer's
// sends (lib/scale/send-log.ts), its backlog (events due and not yet acknowledged), the records the
// consumer group read, and the topic's replication as a running broker's metadata has it
// (lib/scale/cluster-state.ts). It keeps the metadata it read, for the phases to find when the ISR
// shrank, leaders moved and every replica was back in sync.
import type { PartitionState } from '../stack/cluster.ts';
import { sleep } from '../wait.ts';
import { type ClusterState, clusterState } from './cluster-state.ts';
import type { DueStream } from './due-stream.ts';
import type { SendLog, SendWindow } from './send-log.ts';

export type FailoverSample = SendWindow & {
  /** ms since the producer started */
  t_ms: number;
  /** since the previous sample: acked / window_ms is the rate */
  window_ms: number;
  /** brokers serving: not killed, or restarted and listed by the cluster again */
  up: number[];
  /** events due by t_ms and not yet acknowledged or failed */
  backlog: number;
  /** records the consumer group read in the window */
  consumed: number;
  /** the topic's replication as the latest metadata read has it (null: none in the last 2 s) */
  cluster: ClusterState | null;
};

/** the topic's partitions as read at `t` */
export type StateAt = { t: number; parts: PartitionState[] };

/** a sample shows no metadata older than this */
const STALE_MS = 2_000;

export type SamplerOptions = {
  brokers: readonly number[];
  up: () => ReadonlySet<number>;
  /** the topic's partitions, from a broker that serves */
  describe: () => Promise<PartitionState[]>;
  minInsync: number;
  log: SendLog;
  stream: DueStream;
  /** the events' clock at t = 0 */
  epochMs: number;
  at: () => number;
  consumed: () => number;
  sampleMs: number;
  onSample?: (s: FailoverSample) => void;
};

export type Sampler = {
  readonly samples: FailoverSample[];
  readonly states: StateAt[];
  /** the first metadata read after `after` that satisfies `f` */
  first(after: number, f: (parts: PartitionState[]) => boolean): StateAt | undefined;
  /** takes one last sample and stops; events due after `end` were never to be sent */
  stop(end: number): Promise<void>;
};

export function startSampler(o: SamplerOptions): Sampler {
  const samples: FailoverSample[] = [];
  const states: StateAt[] = [];
  let running = true;
  let prev = 0;
  let prevConsumed = 0;
  let end = Number.POSITIVE_INFINITY;
  /** the next tick of the cadence: a slow step skips ticks, it does not shift them */
  const nextTick = () => sleep((Math.floor(o.at() / o.sampleMs) + 1) * o.sampleMs - o.at());
  const sample = () => {
    const t = o.at();
    const up = o.up();
    const consumed = o.consumed();
    const state = states.at(-1);
    const fresh = state && t - state.t <= STALE_MS ? state : undefined;
    const s: FailoverSample = {
      t_ms: t,
      window_ms: t - prev,
      up: [...up].sort((a, b) => a - b),
      ...o.log.window(prev, t),
      backlog: Math.max(0, o.stream.dueBy(o.epochMs + Math.min(t, end)) - o.log.settledBy(t)),
      consumed: consumed - prevConsumed,
      cluster: fresh ? clusterState(fresh.parts, o.brokers, up, o.minInsync) : null,
    };
    samples.push(s);
    o.onSample?.(s);
    [prev, prevConsumed] = [t, consumed];
  };
  // the metadata is read on its own loop: a broker that answers slowly (one just restarted, or the last
  // one left) slows the reads, not the samples
  const reading = (async () => {
    while (running) {
      const parts = await within(o.describe(), STALE_MS);
      if (parts) states.push({ t: o.at(), parts });
      await nextTick();
    }
  })();
  const sampling = (async () => {
    while (running) {
      await nextTick();
      if (running) sample();
    }
  })();
  return {
    samples,
    states,
    first: (after, f) => states.find((s) => s.t > after && f(s.parts)),
    async stop(at) {
      if (!running) return;
      end = at;
      running = false;
      await Promise.all([reading, sampling]);
      sample();
    },
  };
}

/** A one-line progress view of a sample. */
export function sampleLine(s: FailoverSample): string {
  const perS = (n: number) => Math.round((n * 1000) / Math.max(1, s.window_ms));
  const st = s.cluster;
  return [
    `${(s.t_ms / 1000).toFixed(1).padStart(5)} s`,
    `up ${s.up.join(',') || '-'}`,
    `acked ${perS(s.acked)}/s`,
    s.failed ? `failed ${s.failed}` : '',
    s.send_ack_ms ? `ack p99 ${Math.round(s.send_ack_ms.p99)} ms` : '',
    s.backlog > 0 ? `backlog ${s.backlog}` : '',
    s.pending ? `in flight ${s.pending} (${(s.oldest_pending_ms / 1000).toFixed(1)} s)` : '',
    st ? `URP ${st.under_replicated} unwritable ${st.unwritable}` : 'metadata ?',
    st ? `leaders ${st.leaders.map((l) => `${l.broker}:${l.partitions}`).join(' ')}` : '',
    `read ${perS(s.consumed)}/s`,
  ]
    .filter(Boolean)
    .join('  ');
}

/** What `p` gives, or undefined if it fails or takes longer than `ms`. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([p.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}
