// The command-line tools the engines need (java, mvn, go, mariadbd, temporal): finding them, saying in
// one line what to install when one is missing, and running one-shot steps (classpath, format, install).
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StackError } from '../errors.ts';

/** The full path of `name` on PATH (or `name` itself when it is already a path that exists), else undefined. */
export function which(name: string): string | undefined {
  return Bun.which(name) ?? undefined;
}

/** Like `which`, but a missing tool is a StackError that says what to install. */
export function requireTool(name: string, install: string): string {
  const path = which(name);
  if (path === undefined) throw new StackError(`stack: \`${name}\` not found on PATH: ${install}`);
  return path;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; output is returned, and appended to `logFile` when given. */
export async function run(
  cmd: string,
  args: readonly string[],
  opts: { logFile?: string; cwd?: string } = {},
): Promise<RunResult> {
  const proc = Bun.spawn([cmd, ...args], { cwd: opts.cwd, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    appendFileSync(opts.logFile, `$ ${[cmd, ...args].join(' ')}\n${stdout}${stderr}(exit ${code})\n`);
  }
  return { code, stdout, stderr };
}

/** Runs a step that must succeed; on failure, a StackError naming the step and its last output line. */
export async function runStep(
  what: string,
  cmd: string,
  args: readonly string[],
  opts: { logFile?: string; cwd?: string } = {},
): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const last = `${r.stdout}\n${r.stderr}`.trim().split('\n').at(-1)?.trim() ?? '';
    const where = opts.logFile ? ` (full output in ${opts.logFile})` : '';
    throw new StackError(`stack: ${what} failed with exit code ${r.code}${where}: ${last.slice(0, 300)}`);
  }
  return r.stdout;
}

/** The major version from `java -version` output ("17.0.15" → 17, "1.8.0_392" → 8). */
export function javaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}

/** A GET on `url` answers 2xx within two seconds. */
export async function httpAnswers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
