// The review worker as a child process (`worker-main.ts`), for the lab and the crash test: started
// with extra environment, ready once it prints its "ready" line, and killable — SIGKILL is a crash
// (no shutdown, in-flight tasks abandoned), SIGTERM a graceful stop.
import { resolve } from 'node:path';
import type { Subprocess } from 'bun';
import { PROJECT_ROOT } from '../config.ts';

export const WORKER_MAIN = resolve(PROJECT_ROOT, 'lib/fraud/worker-main.ts');

export type WorkerProcess = {
  pid: number;
  /** resolves with the ready line (which names the runtime), rejects if the process exits first */
  ready: Promise<string>;
  exited: Promise<number>;
  /** everything it printed so far, for error messages */
  output(): string;
  kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<number>;
};

export function spawnWorker(env: Record<string, string> = {}, readyTimeoutMs = 60_000): WorkerProcess {
  const proc: Subprocess<'ignore', 'pipe', 'pipe'> = Bun.spawn([process.execPath, WORKER_MAIN], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  let out = '';
  let onLine: ((line: string) => void) | undefined;
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let partial = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      out += text;
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const line of lines) onLine?.(line);
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const ready = new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`fraud worker (pid ${proc.pid}) not ready after ${readyTimeoutMs} ms:\n${out.slice(-2000)}`)), readyTimeoutMs);
    onLine = (line) => {
      if (line.startsWith('fraud worker: ready')) {
        clearTimeout(timer);
        res(line);
      }
    };
    proc.exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`fraud worker (pid ${proc.pid}) exited with ${code} before it was ready:\n${out.slice(-2000)}`));
    });
  });
  ready.catch(() => {}); // a caller that never awaits it must not see an unhandled rejection
  return {
    pid: proc.pid,
    ready,
    exited: proc.exited,
    output: () => out,
    async kill(signal) {
      proc.kill(signal);
      return proc.exited;
    },
  };
}
