// Starts the fraud benchmark's worker (bench/fraud-worker.ts) as a child process (lib/child.ts) under Bun or
// Node. For Node, Bun first builds the worker into one ES module for Node (npm packages left external,
// resolved from the project's node_modules) in .cache/, one level below the project root, where
// lib/config.ts finds the root the same way it does from lib/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Child, spawnChild } from '../lib/child.ts';
import { PROJECT_ROOT } from '../lib/config.ts';

export type WorkerRuntime = 'bun' | 'node';

const ENTRY = 'bench/fraud-worker.ts';
const NODE_BUNDLE = '.cache/fraud-worker.node.mjs';

async function buildForNode(): Promise<string> {
  mkdirSync(join(PROJECT_ROOT, '.cache'), { recursive: true });
  const r = await Bun.build({
    entrypoints: [join(PROJECT_ROOT, ENTRY)],
    target: 'node',
    format: 'esm',
    packages: 'external',
    outdir: join(PROJECT_ROOT, '.cache'),
    naming: 'fraud-worker.node.mjs',
  });
  if (!r.success) throw new Error(`bench fraud: building the worker for Node failed: ${r.logs.join('; ')}`);
  return NODE_BUNDLE;
}

/** The worker as a child; await its `ready` (which names its runtime) before measuring. */
export async function spawnBenchWorker(
  runtime: WorkerRuntime,
  env: Record<string, string>,
  workflowsPath: string,
): Promise<Child> {
  return spawnChild({
    name: `bench fraud worker (${runtime})`,
    ...(runtime === 'node'
      ? { main: await buildForNode(), interpreter: [Bun.which('node') ?? 'node'] }
      : { main: ENTRY }),
    env: { ...env, TXLAB_BENCH_WORKFLOWS: workflowsPath },
    readyTimeoutMs: 90_000,
  });
}
