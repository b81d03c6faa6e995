// Starts the fraud benchmark's worker (bench/fraud-worker.ts) as a process of its own under Bun or Node,
// and stops it. For Node, Bun first builds the worker into one ES module for Node (npm packages left
// external, resolved from the project's node_modules) in .cache/, one level below the project root, where
// lib/config.ts finds the root the same way it does from lib/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../lib/config.ts';

export type WorkerRuntime = 'bun' | 'node';
export type BenchWorker = {
  pid: number;
  runtime: string;
  /** rejects if the worker exits before stop() was called (it crashed mid-measurement) */
  died: Promise<never>;
  stop(): Promise<number>;
};

const ENTRY = join(PROJECT_ROOT, 'bench/fraud-worker.ts');
const NODE_BUNDLE = join(PROJECT_ROOT, '.cache/fraud-worker.node.mjs');

async function buildForNode(): Promise<string> {
  mkdirSync(join(PROJECT_ROOT, '.cache'), { recursive: true });
  const r = await Bun.build({
    entrypoints: [ENTRY],
    target: 'node',
    format: 'esm',
    packages: 'external',
    outdir: join(PROJECT_ROOT, '.cache'),
    naming: 'fraud-worker.node.mjs',
  });
  if (!r.success) throw new Error(`bench fraud: building the worker for Node failed: ${r.logs.join('; ')}`);
  return NODE_BUNDLE;
}

/** Resolves once the worker says it polls; rejects with its last lines if it exits first or takes 90 s. */
export async function startBenchWorker(
  runtime: WorkerRuntime,
  env: Record<string, string>,
  workflowsPath: string,
): Promise<BenchWorker> {
  const cmd = runtime === 'bun' ? [process.execPath, ENTRY] : [Bun.which('node') ?? 'node', await buildForNode()];
  const proc = Bun.spawn(cmd, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env, TXLAB_BENCH_WORKFLOWS: workflowsPath },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const lines: string[] = [];
  const stderr = new Response(proc.stderr).text();
  const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const deadline = setTimeout(() => proc.kill('SIGKILL'), 90_000);
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      clearTimeout(deadline);
      const code = await proc.exited;
      throw new Error(
        `bench fraud: the ${runtime} worker exited (${code}) before it was ready: ${[...lines, await stderr].join('\n').trim().slice(-1500)}`,
      );
    }
    buffered += value;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
    const ready = parts.find((l) => l.includes('bench fraud worker: ready'));
    if (ready) {
      clearTimeout(deadline);
      console.error(`  ${ready}`);
      // keep reading, so a full pipe never blocks the worker
      (async () => {
        while (!(await reader.read()).done) {}
      })().catch(() => {});
      const version = /\((\S+ \S+),/.exec(ready)?.[1] ?? runtime;
      let stopping = false;
      const died = proc.exited.then(async (code) => {
        if (!stopping)
          throw new Error(
            `bench fraud: the ${runtime} worker exited (${code}) mid-run: ${(await stderr).trim().slice(-1500)}`,
          );
        return new Promise<never>(() => {});
      });
      died.catch(() => {}); // observed by the bench through Promise.race; never an unhandled rejection
      return {
        pid: proc.pid,
        runtime: version,
        died,
        stop: async () => {
          stopping = true;
          proc.kill('SIGTERM');
          const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
          const code = await proc.exited;
          clearTimeout(timer);
          return code;
        },
      };
    }
  }
}
