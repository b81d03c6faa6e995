// Process plumbing for the stack: detached spawns that outlive the CLI, pid files, checking that a pid
// still is the process we started (by its /proc cmdline), stopping it, and probing TCP ports.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { connect } from 'node:net';
import { sleep, waitFor } from '../wait.ts';

/** The pid in a pid file's text, or undefined when it holds none. */
export function parsePid(text: string): number | undefined {
  const m = /^\s*(\d+)\s*$/.exec(text);
  const pid = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(pid) && pid > 1 ? pid : undefined;
}

/** "host:port" → parts; throws on anything else. */
export function splitHostPort(address: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(address.trim());
  if (!m) throw new Error(`expected host:port, got "${address}"`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Whether a /proc cmdline (arguments separated by NUL) contains every marker. */
export function cmdlineHas(cmdline: string, markers: readonly string[]): boolean {
  const args = cmdline.split('\0').join(' ');
  return markers.every((m) => args.includes(m));
}

function cmdlineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The pid in `pidFile` if that process is alive and its cmdline carries our markers; a stale pid file is removed. */
export function ownedPid(pidFile: string, markers: readonly string[]): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = parsePid(readFileSync(pidFile, 'utf8'));
  const cmdline = pid === undefined ? undefined : cmdlineOf(pid);
  if (pid !== undefined && cmdline !== undefined && isAlive(pid) && cmdlineHas(cmdline, markers)) return pid;
  rmSync(pidFile, { force: true });
  return undefined;
}

/** A live process whose cmdline carries our markers (one started by us whose pid file was lost). */
export function findByMarkers(markers: readonly string[]): number | undefined {
  for (const entry of readdirSync('/proc')) {
    const pid = parsePid(entry);
    if (pid === undefined || pid === process.pid) continue;
    const cmdline = cmdlineOf(pid);
    if (cmdline !== undefined && cmdlineHas(cmdline, markers) && isAlive(pid)) return pid;
  }
  return undefined;
}

export function writePid(pidFile: string, pid: number): void {
  mkdirSync(dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, `${pid}\n`);
}

export interface Spawned {
  pid: number;
  /** undefined while running; the exit description once it has exited */
  exited: () => string | undefined;
}

/** Starts `cmd` in its own session, output appended to `logFile`, unref'd so the caller can exit and leave it running. */
export function spawnDetached(cmd: string, args: readonly string[], logFile: string, cwd: string): Spawned {
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  let exit: string | undefined;
  try {
    const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', fd, fd] });
    child.on('exit', (code, signal) => (exit = signal ? `killed by ${signal}` : `exited with code ${code}`));
    child.on('error', (e) => (exit = e.message));
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
    return { pid: child.pid, exited: () => exit ?? (isAlive(child.pid!) ? undefined : 'exited') };
  } finally {
    closeSync(fd);
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig); // the whole process group: detached children lead their own
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM, wait up to `timeoutMs` for it to exit, then SIGKILL. Resolves to how it ended. */
export async function stopPid(pid: number, timeoutMs: number): Promise<'stopped' | 'killed'> {
  signal(pid, 'SIGTERM');
  const done = await waitFor(async () => !isAlive(pid), { timeoutMs, intervalMs: 100 });
  if (done.ok) return 'stopped';
  signal(pid, 'SIGKILL');
  await waitFor(async () => !isAlive(pid), { timeoutMs: 5_000, intervalMs: 50 });
  return 'killed';
}

/** Whether something accepts TCP connections on host:port. */
export function portAccepts(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function lockHolder(lockFile: string): number | 'stale' | undefined {
  try {
    const pid = parsePid(readFileSync(lockFile, 'utf8'));
    if (pid !== undefined) return isAlive(pid) ? pid : 'stale';
    return Date.now() - statSync(lockFile).mtimeMs > 5_000 ? 'stale' : undefined; // empty: being written, or left by a crash
  } catch {
    return undefined; // just released
  }
}

/** Runs `f` holding an exclusive lock file, so two `up`s at once do not start an engine twice. */
export async function withLock<T>(lockFile: string, f: () => Promise<T>, timeoutMs = 15 * 60_000): Promise<T> {
  mkdirSync(dirname(lockFile), { recursive: true });
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch {
      const holder = lockHolder(lockFile);
      if (holder === 'stale') rmSync(lockFile, { force: true });
      else if (performance.now() > deadline) throw new Error(`lock ${lockFile} held by pid ${holder}`);
      else await sleep(200);
    }
  }
  try {
    return await f();
  } finally {
    rmSync(lockFile, { force: true });
  }
}
