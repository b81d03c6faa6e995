// Sink processes seen from a parent (lab 03, the tests, the benchmark): start `lib/sink/main.ts` as a
// child with its own environment, follow its counters over IPC and its log lines, stop it cleanly
// (SIGTERM: it finishes or abandons its chunk uncommitted and leaves the group) or kill it (SIGKILL).
import { resolve } from 'node:path';
import type { Subprocess } from 'bun';
import { PROJECT_ROOT } from '../config.ts';
import type { SinkIpcMessage } from './main.ts';
import { SinkSnapshot } from './stats.ts';

export type SinkProcess = {
  id: string;
  pid: number;
  /** resolves when the sink has migrated, connected, and is about to join the group */
  ready: Promise<void>;
  exited: Promise<number>;
  /** the last counters it reported (the final ones, with samples, once it has stopped cleanly) */
  snapshot(): SinkSnapshot | undefined;
  /** true until the process has exited */
  running(): boolean;
  /** the partitions it was assigned when it last joined the group */
  partitions(): number[];
  /** its log lines so far (the last 5000) */
  lines(): string[];
  stop(): Promise<number>;
  kill(): Promise<number>;
};

export type SpawnSinkOptions = {
  id: string;
  env?: Record<string, string>;
  batch?: number;
  concurrency?: number;
  /** called with each log line (labs print them) */
  onLine?: (line: string) => void;
};

const MAIN = resolve(PROJECT_ROOT, 'lib/sink/main.ts');

export function spawnSink(o: SpawnSinkOptions): SinkProcess {
  let latest: SinkSnapshot | undefined;
  let partitions: number[] = [];
  const lines: string[] = [];
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  const args = ['--id', o.id, ...(o.batch ? ['--batch', String(o.batch)] : []), ...(o.concurrency ? ['--concurrency', String(o.concurrency)] : [])];
  const proc: Subprocess<'ignore', 'inherit', 'pipe'> = Bun.spawn([process.execPath, MAIN, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...o.env },
    stdin: 'ignore',
    stdout: 'inherit',
    stderr: 'pipe',
    ipc(message: SinkIpcMessage) {
      if (message.type === 'ready') markReady();
      else if (message.type === 'joined') partitions = message.partitions;
      else if (message.type === 'stats') {
        const parsed = SinkSnapshot.safeParse(message.snapshot);
        if (parsed.success) latest = parsed.data;
      }
    },
  });
  const reading = readLines(proc.stderr, (line) => {
    lines.push(line);
    if (lines.length > 5000) lines.shift();
    o.onLine?.(line);
  });
  const exited = proc.exited.then(async (code) => {
    await reading;
    return code;
  });
  const signal = (sig: 'SIGTERM' | 'SIGKILL') => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(sig);
    return exited;
  };
  return {
    id: o.id,
    pid: proc.pid,
    ready: Promise.race([ready, exited.then((code) => Promise.reject(new Error(`sink ${o.id} exited with code ${code} before it was ready:\n${lines.slice(-20).join('\n')}`)))]),
    exited,
    snapshot: () => latest,
    partitions: () => [...partitions],
    running: () => proc.exitCode === null && proc.signalCode === null,
    lines: () => [...lines],
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
}

async function readLines(stream: ReadableStream<Uint8Array>, each: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let rest = '';
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      each(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
    }
  }
  if (rest) each(rest);
}
