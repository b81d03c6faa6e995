// What the JVM peers of `bun run bench windows` share: a Maven classpath resolved once per pom (cached
// beside the pom's hash, as lib/stack/kafka.ts caches the broker's), and a child process whose lines are
// kept (and logged to a file), stopped with SIGTERM then SIGKILL.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import { readLines } from '../../lib/child.ts';
import { classpathEntries } from '../../lib/stack/kafka-config.ts';
import { requireTool, runStep } from '../../lib/stack/tools.ts';

export const sha256 = (...parts: (string | Buffer)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/**
 * `mvn dependency:build-classpath` on `pom`, once per pom content (and `args`): the classpath is kept in
 * `dir`/classpath.txt beside the hash, the jars in ~/.m2. Returns the classpath and whether it was cached.
 */
export async function mavenClasspath(
  pom: string,
  dir: string,
  args: string[] = [],
  note: (line: string) => void = (l) => console.error(l),
): Promise<{ classpath: string; cached: boolean; ms: number }> {
  const t0 = performance.now();
  const file = join(dir, 'classpath.txt');
  const hashFile = join(dir, 'classpath.pom-sha256');
  const hash = sha256(readFileSync(pom), args.join(' '));
  if (existsSync(file) && existsSync(hashFile) && readFileSync(hashFile, 'utf8').trim() === hash) {
    const cp = readFileSync(file, 'utf8').trim();
    if (classpathEntries(cp).every((jar) => existsSync(jar)))
      return { classpath: cp, cached: true, ms: performance.now() - t0 };
  }
  mkdirSync(dir, { recursive: true });
  const mvn = requireTool('mvn', 'install Maven (e.g. `apt-get install maven`) to fetch the bench peers’ jars');
  note(`windows: resolving ${pom} with Maven (once; jars cached in ~/.m2)`);
  await runStep(
    `resolving ${pom} with Maven`,
    mvn,
    ['-q', '-B', '-f', pom, ...args, 'dependency:build-classpath', `-Dmdep.outputFile=${file}`],
    { logFile: join(dir, 'setup.log') },
  );
  writeFileSync(hashFile, `${hash}\n`);
  return { classpath: readFileSync(file, 'utf8').trim(), cached: false, ms: performance.now() - t0 };
}

export type Proc = {
  pid: number;
  exited: Promise<number>;
  running(): boolean;
  lines(): string[];
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit code */
  stop(timeoutMs?: number): Promise<number>;
};

/** Spawns `cmd`; each output line goes to `onLine` and to `logFile`, the last 2000 are kept. */
export function spawnProc(
  cmd: string[],
  opts: { env?: Record<string, string>; cwd?: string; logFile: string; onLine?: (line: string) => void },
): Proc {
  const kept: string[] = [];
  const proc: Subprocess<'ignore', 'pipe', 'pipe'> = Bun.spawn(cmd, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  appendFileSync(opts.logFile, `$ ${cmd.join(' ')}\n`);
  const each = (line: string) => {
    kept.push(line);
    if (kept.length > 2000) kept.shift();
    appendFileSync(opts.logFile, `${line}\n`);
    opts.onLine?.(line);
  };
  const reading = Promise.all([readLines(proc.stdout, each), readLines(proc.stderr, each)]);
  let exitedYet = false;
  const exited = proc.exited.then(async (code) => {
    exitedYet = true;
    await reading;
    return code;
  });
  return {
    pid: proc.pid,
    exited,
    running: () => !exitedYet,
    lines: () => kept,
    async stop(timeoutMs = 30_000) {
      if (exitedYet) return exited;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The last few lines of a process, for an error message. */
export const tail = (p: Proc, n = 8) => p.lines().slice(-n).join('\n');
