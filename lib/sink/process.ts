// Sink processes seen from a parent (lab 03, lab 05, the tests, the benchmark): `lib/sink/main.ts` as a
// child process (lib/child.ts), with the partitions it was assigned and the counters it reports.
// stop() is SIGTERM: it finishes or abandons its chunk uncommitted and leaves the group; kill() is SIGKILL.
import { type Child, spawnChild } from '../child.ts';
import { SinkSnapshot } from './counters.ts';
import type { SinkIpcMessage } from './main.ts';
import type { WritePath } from './writer.ts';

export type SinkProcess = Omit<Child, 'ready' | 'name'> & {
  id: string;
  /** resolves when the sink has migrated, connected, and is about to join the group */
  ready: Promise<void>;
  /** the last counters it reported (the final ones, with samples, once it has stopped cleanly) */
  snapshot(): SinkSnapshot | undefined;
  /** the partitions it was assigned when it last joined the group */
  partitions(): number[];
  /** where it serves its Prometheus metrics (known once ready) */
  metricsUrl(): string | undefined;
};

export type SpawnSinkOptions = {
  id: string;
  /** added to the environment (e.g. TXLAB_PREFIX) */
  env?: Record<string, string>;
  batch?: number;
  concurrency?: number;
  writePath?: WritePath;
  /** another consumer group than the sink's own */
  group?: string;
  /** called with each log line (labs print them) */
  onLine?: (line: string) => void;
};

export function spawnSink(o: SpawnSinkOptions): SinkProcess {
  let latest: SinkSnapshot | undefined;
  let partitions: number[] = [];
  const flag = (name: string, v: string | number | undefined) => (v === undefined ? [] : [`--${name}`, String(v)]);
  const child = spawnChild({
    name: `sink ${o.id}`,
    main: 'lib/sink/main.ts',
    args: [
      '--id',
      o.id,
      ...flag('batch', o.batch),
      ...flag('concurrency', o.concurrency),
      ...flag('write-path', o.writePath),
      ...flag('group', o.group),
    ],
    env: o.env,
    onLine: o.onLine,
    onMessage(m) {
      const message = m as SinkIpcMessage;
      if (message.type === 'joined') partitions = message.partitions;
      else if (message.type === 'stats') {
        const parsed = SinkSnapshot.safeParse(message.snapshot);
        if (parsed.success) latest = parsed.data;
      }
    },
  });
  let metricsUrl: string | undefined;
  return {
    ...child,
    id: o.id,
    ready: child.ready.then((m) => {
      if (m.metricsPort) metricsUrl = `http://127.0.0.1:${m.metricsPort}/metrics`;
    }),
    metricsUrl: () => metricsUrl,
    snapshot: () => latest,
    partitions: () => [...partitions],
  };
}
