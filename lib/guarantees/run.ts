// Runs one pipeline of lab 07 over a range of its input until it has read all of it, through the faults
// it is given, restarting it after each: its own crash at a named phase of a batch (`crashAt`), SIGKILLs
// from outside at the given delays after it starts making progress (`killsAfterMs`), and any exit of its
// own (an error: it resumes from its stored position, as a supervisor would restart it). Then stops it
// (SIGTERM) and returns what happened, for the audit (audit.ts) to judge. Each run has a consumer group
// of its own (modes.ts, namesOf), which its first process starts at the range's start.
import type { Offsets } from '../drain.ts';
import { sleep, waitFor } from '../wait.ts';
import { type CrashPhase, type Pipeline, pipelineId } from './modes.ts';
import { type PipelineProcess, caughtUp, spawnPipeline } from './process.ts';
import type { CrashReport, StepProgress } from './step.ts';

export type RunFaults = { crashAt?: { phase: CrashPhase; batch: number }; killsAfterMs?: number[] };

export type PipelineRun = {
  pipeline: Pipeline;
  /** the batch its own crash interrupted, if it crashed */
  crash: CrashReport | null;
  /** SIGKILLs from outside: when (ms from the run's start) and after how many records of that process */
  kills: { atMs: number; records: number }[];
  /** exits it was not told to make (errors), each followed by a restart */
  exits: { atMs: number; code: number }[];
  processes: number;
  /** every batch completed, by every process of the run */
  batches: StepProgress['last'][];
  /** from the first process's start to the range read */
  ms: number;
  /** from the first batch done to the range read (throughput's denominator) */
  busyMs: number;
};

export async function runPipeline(o: {
  pipeline: Pipeline;
  runId: string;
  from: Offsets;
  to: Offsets;
  faults?: RunFaults;
  batch?: number;
  /** a module whose exports replace protocols.ts's (an exercise's) */
  protocol?: string;
  env?: Record<string, string>;
  onLine?: (line: string) => void;
  /** records read so far by the run's processes, as they report them */
  onProgress?: (records: number) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}): Promise<PipelineRun> {
  const id = pipelineId(o.pipeline);
  const t0 = performance.now();
  const since = () => Math.round(performance.now() - t0);
  const result: PipelineRun = {
    pipeline: o.pipeline,
    crash: null,
    kills: [],
    exits: [],
    processes: 0,
    batches: [],
    ms: 0,
    busyMs: 0,
  };
  const kills = [...(o.faults?.killsAfterMs ?? [])];
  let crashPending = o.faults?.crashAt;
  let firstBatchAt: number | undefined;
  // positions stored by any of the run's processes: a restarted one reports only what it reads itself
  const positions: Record<string, number> = {};
  let recordsBefore = 0; // by the run's earlier processes
  const deadline = t0 + (o.timeoutMs ?? 180_000);
  for (;;) {
    if (o.signal?.aborted) throw new Error(`${id}: stopped`);
    if (performance.now() > deadline)
      throw new Error(`${id}: did not read its range within ${o.timeoutMs ?? 180_000} ms`);
    const p: PipelineProcess = spawnPipeline({
      pipeline: o.pipeline,
      runId: o.runId,
      name: `${id}#${++result.processes}`,
      batch: o.batch,
      protocol: o.protocol,
      from: o.from,
      crashAt: crashPending,
      env: o.env,
      onLine: o.onLine,
    });
    crashPending = undefined;
    let killed = false;
    try {
      try {
        await p.ready;
      } catch (e) {
        // e.g. the broker is restarting: try again shortly, as a supervisor would
        result.exits.push({ atMs: since(), code: await p.exited });
        o.onLine?.(`${id}: ${(e as Error).message.split('\n')[0]}; starting it again`);
        await sleep(500, o.signal);
        continue;
      }
      const killAfter = kills.shift();
      // watch it: done, exited, or (if a kill is due) killed once it has been making progress that long
      let busySince: number | undefined;
      const r = await waitFor(
        async () => {
          const progress = p.progress();
          if (progress && firstBatchAt === undefined) firstBatchAt = since();
          if (progress && busySince === undefined) busySince = performance.now();
          if (progress) o.onProgress?.(recordsBefore + progress.records);
          // what it reported after each batch, and what the store holds (read while it is idle)
          for (const [k, v] of [...Object.entries(progress?.positions ?? {}), ...Object.entries(p.stored())])
            positions[k] = Math.max(v, positions[k] ?? -1);
          if (caughtUp(positions, o.to, o.from)) return 'done';
          if (!p.running()) return 'exited';
          if (killAfter !== undefined && busySince !== undefined && performance.now() - busySince >= killAfter)
            return 'kill';
          return undefined;
        },
        { timeoutMs: Math.max(1, deadline - performance.now()), intervalMs: 20, signal: o.signal },
      );
      if (!r.ok) throw new Error(`${id}: ${r.reason}`);
      result.batches.push(...p.batches());
      recordsBefore += p.progress()?.records ?? 0;
      if (r.value === 'done') {
        await p.stop();
        if (killAfter !== undefined) kills.unshift(killAfter); // never used: it finished first
        break;
      }
      if (r.value === 'kill') {
        killed = true;
        const records = p.progress()?.records ?? 0;
        await p.kill();
        result.kills.push({ atMs: since(), records });
        continue;
      }
      const code = await p.exited;
      const crash = p.crash();
      if (crash) result.crash = crash;
      else result.exits.push({ atMs: since(), code });
    } finally {
      if (p.running() && !killed) await p.stop().catch(() => {});
    }
  }
  result.ms = since();
  result.busyMs = result.ms - (firstBatchAt ?? 0);
  return result;
}
