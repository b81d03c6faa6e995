// One way to run a part of the pipeline as a child process (a sink, the fraud worker, the processes of
// labs 07 and 09) and see it from the parent: spawn a `main.ts` with its own environment, wait for its
// `ready` message over IPC (which names its runtime), receive its other messages (stats), keep its log
// lines, stop it gracefully (SIGTERM, then SIGKILL after a deadline) or kill it (SIGKILL: a crash).
// The child side is `toParent` and `announceReady`.
import { resolve } from 'node:path';
import type { Subprocess } from 'bun';
import { PROJECT_ROOT } from './config.ts';

export type ReadyMessage = {
  type: 'ready';
  runtime: string;
  pid: number;
  detail: string;
  /** the port of 127.0.0.1 where it serves Prometheus metrics on /metrics (lib/metrics.ts), if it does */
  metricsPort?: number;
};

export type ChildOptions = {
  /** names it in errors, e.g. `sink-1` */
  name: string;
  /** the script, relative to the project root, e.g. `lib/sink/main.ts` */
  main: string;
  /**
   * the program that runs `main` (its absolute path is appended), when not this Bun: e.g. `['node']` for a
   * script built for Node. IPC then speaks JSON, the one format Bun and Node share.
   */
  interpreter?: string[];
  args?: string[];
  /** added to this process's environment */
  env?: Record<string, string>;
  /** each line it prints (stdout and stderr) */
  onLine?: (line: string) => void;
  /** each IPC message other than `ready` */
  onMessage?: (message: unknown) => void;
  readyTimeoutMs?: number;
};

export type Child = {
  name: string;
  pid: number;
  /** resolves with its ready message; rejects, with its last lines, if it exits first or takes too long */
  ready: Promise<ReadyMessage>;
  /** its exit code (128 + n when killed by signal n), once its output has been read to the end */
  exited: Promise<number>;
  running(): boolean;
  /** its last lines (at most 5000) */
  lines(): string[];
  /** SIGTERM; SIGKILL if it is still there after `timeoutMs` */
  stop(timeoutMs?: number): Promise<number>;
  /** SIGKILL: a crash, nothing cleaned up */
  kill(): Promise<number>;
  /** a message to it over IPC (its `process.on('message')`); dropped once it has exited */
  send(message: unknown): void;
};

const KEEP_LINES = 5000;

export function spawnChild(o: ChildOptions): Child {
  const kept: string[] = [];
  const each = (line: string) => {
    kept.push(line);
    if (kept.length > KEEP_LINES) kept.shift();
    o.onLine?.(line);
  };
  let markReady: (m: ReadyMessage) => void = () => {};
  const readyMessage = new Promise<ReadyMessage>((r) => (markReady = r));
  const proc: Subprocess<'ignore', 'pipe', 'pipe'> = Bun.spawn(
    [...(o.interpreter ?? [process.execPath]), resolve(PROJECT_ROOT, o.main), ...(o.args ?? [])],
    {
      cwd: PROJECT_ROOT,
      ...(o.interpreter ? { serialization: 'json' as const } : {}),
      env: { ...process.env, ...o.env },
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      ipc(message: unknown) {
        if (isReady(message)) markReady(message);
        else o.onMessage?.(message);
      },
    },
  );
  const reading = Promise.all([readLines(proc.stdout, each), readLines(proc.stderr, each)]);
  const exited = proc.exited.then(async (code) => {
    await reading;
    return code;
  });
  const last = () => kept.slice(-20).join('\n');
  const timeoutMs = o.readyTimeoutMs ?? 60_000;
  const ready = new Promise<ReadyMessage>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`${o.name} (pid ${proc.pid}) not ready after ${timeoutMs} ms:\n${last()}`)),
      timeoutMs,
    );
    readyMessage.then((m) => {
      clearTimeout(timer);
      res(m);
    });
    exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`${o.name} (pid ${proc.pid}) exited with code ${code} before it was ready:\n${last()}`));
    });
  });
  ready.catch(() => {}); // a caller that never awaits it must not see an unhandled rejection
  const running = () => proc.exitCode === null && proc.signalCode === null;
  const signal = (sig: 'SIGTERM' | 'SIGKILL') => {
    if (running()) proc.kill(sig);
    return exited;
  };
  return {
    name: o.name,
    pid: proc.pid,
    ready,
    exited,
    running,
    lines: () => [...kept],
    async stop(graceMs = 30_000) {
      const timer = setTimeout(() => {
        each(`${o.name}: still running ${graceMs} ms after SIGTERM: SIGKILL`);
        void signal('SIGKILL');
      }, graceMs);
      try {
        return await signal('SIGTERM');
      } finally {
        clearTimeout(timer);
      }
    },
    kill: () => signal('SIGKILL'),
    send(message) {
      if (running()) proc.send(message);
    },
  };
}

function isReady(m: unknown): m is ReadyMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'ready';
}

/** Splits a byte stream into lines (the last one even without a newline). */
export async function readLines(stream: ReadableStream<Uint8Array>, each: (line: string) => void): Promise<void> {
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
  rest += decoder.decode();
  if (rest) each(rest);
}

// ---- the child's side ----

/** The runtime this process runs on, e.g. `bun 1.4.5`. */
export const runtime = () => (typeof Bun !== 'undefined' ? `bun ${Bun.version}` : `node ${process.version}`);

/** Sends `m` to the parent, resolving once it is handed over (the process may exit right after); a no-op without a parent. */
export function toParent(m: unknown): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(m, undefined, undefined, () => resolve()) : resolve()));
}

/**
 * A child whose parent is gone (SIGKILLed, crashed) stops itself gracefully (SIGTERM: it leaves its group,
 * flushes), instead of running on unseen with nobody to stop it. Checked once a second; only with a parent.
 */
function exitWithParent() {
  if (!process.send) return;
  const parent = process.ppid;
  const check = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(check);
    console.error(`${process.pid}: its parent (pid ${parent}) is gone: stopping`);
    process.kill(process.pid, 'SIGTERM');
  }, 1_000);
  check.unref();
}

/** Tells the parent this process is ready, and where its metrics are (and prints it, for a person running it by hand). */
export function announceReady(detail: string, o: { metricsPort?: number } = {}): Promise<void> {
  exitWithParent();
  const m: ReadyMessage = { type: 'ready', runtime: runtime(), pid: process.pid, detail, ...o };
  const metrics = m.metricsPort ? `, metrics on http://127.0.0.1:${m.metricsPort}/metrics` : '';
  console.error(`${detail} (pid ${m.pid}, ${m.runtime}${metrics})`);
  return toParent(m);
}
