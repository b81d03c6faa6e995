// Start, stop and probe one engine, the same way for all of them: reuse our live process, refuse a port
// someone else holds, prepare, spawn detached, wait until it answers; or only probe an external instance.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Engine } from './engine.ts';
import { StackError } from '../errors.ts';
import { findByMarkers, isAlive, ownedPid, portAccepts, spawnDetached, stopPid, withLock, writePid } from './pids.ts';
import { seconds, waitFor } from '../wait.ts';

const EXTERNAL_TIMEOUT_MS = 30_000;

export type UpResult =
  | { how: 'started'; pid: number; ms: number }
  | { how: 'running'; pid: number; ms: number }
  | { how: 'external'; ms: number };

export type State = 'up' | 'starting' | 'down' | 'unreachable';
export interface Status {
  state: State;
  pid?: number;
}

/** Relative to the working directory when inside it, for shorter messages. */
export function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

function lastLogLine(e: Engine): string {
  try {
    const lines = readFileSync(e.logFile, 'utf8').trim().split('\n');
    const last = lines.at(-1)?.trim() ?? '';
    return last ? `: ${last.slice(0, 300)}` : '';
  } catch {
    return '';
  }
}

/** Our live process for this engine: from its pid file, else one carrying our markers (its pid file was lost). */
function ourPid(e: Engine): number | undefined {
  const pid = ownedPid(e.pidFile, e.markers) ?? findByMarkers(e.markers);
  if (pid !== undefined) writePid(e.pidFile, pid);
  return pid;
}

export async function ensureEngine(e: Engine, note: (line: string) => void): Promise<UpResult> {
  if (!e.managed) {
    const r = await waitFor(() => e.ready(), { timeoutMs: EXTERNAL_TIMEOUT_MS, intervalMs: 500 });
    if (r.ok) return { how: 'external', ms: r.ms };
    throw new StackError(
      `stack: ${e.label} at ${e.endpoint} (from ${e.envVar}) is unreachable after ${seconds(r.ms)}: start it, or unset ${e.envVar} to use the embedded one`,
    );
  }
  return withLock(join(e.dir, 'start.lock'), async () => {
    const t0 = performance.now();
    const running = ourPid(e);
    if (running !== undefined) {
      const r = await waitFor(() => e.ready(), {
        timeoutMs: e.startTimeoutMs,
        abort: () => (isAlive(running) ? undefined : 'it exited'),
      });
      if (r.ok) {
        await e.afterReady?.();
        return { how: 'running', pid: running, ms: performance.now() - t0 };
      }
      if (isAlive(running)) {
        throw new StackError(
          `stack: ${e.label} (pid ${running}) is running but not answering on ${e.endpoint} (${r.reason}): see ${shortPath(e.logFile)}, or run \`bun run stack down\` and try again`,
        );
      }
    }
    for (const p of e.ports) {
      if (await portAccepts(e.host, p.port)) {
        const instead = p.alternative ? `, or ${p.alternative}` : '';
        throw new StackError(
          `stack: port ${p.port} (${p.what}) is in use by another process (not started by txlab): stop it${instead}`,
        );
      }
    }
    const { cmd, args } = await e.prepare(note);
    const child = spawnDetached(cmd, args, e.logFile, e.dir);
    writePid(e.pidFile, child.pid);
    const r = await waitFor(() => e.ready(), { timeoutMs: e.startTimeoutMs, abort: child.exited });
    if (!r.ok) {
      if (isAlive(child.pid)) await stopPid(child.pid, e.stopTimeoutMs);
      throw new StackError(
        `stack: ${e.label} failed to start (${r.reason}); see ${shortPath(e.logFile)}${lastLogLine(e)}`,
      );
    }
    await e.afterReady?.();
    return { how: 'started', pid: child.pid, ms: performance.now() - t0 };
  });
}

export async function engineStatus(e: Engine): Promise<Status> {
  if (!e.managed) return { state: (await e.ready()) ? 'up' : 'unreachable' };
  const pid = ourPid(e);
  if (pid === undefined) return { state: 'down' };
  return { state: (await e.ready()) ? 'up' : 'starting', pid };
}

export type StopResult = 'external' | 'not running' | 'stopped' | 'killed';

/** Stops our process (never an external instance or a stranger on our port); data stays. */
async function anyAccepts(e: Engine): Promise<boolean> {
  for (const p of e.ports) if (await portAccepts(e.host, p.port)) return true;
  return false;
}

export async function stopEngine(e: Engine): Promise<{ result: StopResult; pid?: number; ms: number }> {
  const t0 = performance.now();
  if (!e.managed) return { result: 'external', ms: 0 };
  const pid = ourPid(e);
  if (pid === undefined) return { result: 'not running', ms: 0 };
  const result = await stopPid(pid, e.stopTimeoutMs);
  ownedPid(e.pidFile, e.markers); // removes the pid file now that the process is gone
  // a JVM's listening sockets can outlive its pid by a moment: stopped means its ports are free again,
  // so a start right after (a restart) does not find them taken
  await waitFor(async () => !(await anyAccepts(e)), { timeoutMs: 15_000, intervalMs: 100 });
  return { result, pid, ms: performance.now() - t0 };
}
