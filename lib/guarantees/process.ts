// A pipeline of lab 07 seen from a parent (the lab, the tests): lib/guarantees/main.ts as a child
// process (lib/child.ts), with its last progress and, if it crashed itself on purpose, the batch the
// crash interrupted. stop() is SIGTERM (it leaves the group); kill() is SIGKILL.
import { type Child, spawnChild } from '../child.ts';
import type { GuaranteesIpcMessage } from './main.ts';
import { type CrashPhase, type Pipeline, pipelineId } from './modes.ts';
import type { CrashReport, StepProgress } from './step.ts';

export type PipelineProcess = Omit<Child, 'ready'> & {
  pipeline: Pipeline;
  ready: Promise<void>;
  /** resolves at its first assignment */
  joined: Promise<number[]>;
  progress(): StepProgress | undefined;
  /** every batch it completed: records and ms */
  batches(): StepProgress['last'][];
  crash(): CrashReport | undefined;
  /** the positions as stored (group offsets or database), as it last read them while idle */
  stored(): Record<string, number>;
};

export function spawnPipeline(o: {
  pipeline: Pipeline;
  runId: string;
  name?: string;
  batch?: number;
  crashAt?: { phase: CrashPhase; batch: number };
  /** a module whose exports replace protocols.ts's (main.ts --protocol) */
  protocol?: string;
  /** where the run starts in each partition */
  from?: ReadonlyMap<number, number>;
  env?: Record<string, string>;
  onLine?: (line: string) => void;
}): PipelineProcess {
  let progress: StepProgress | undefined;
  let crash: CrashReport | undefined;
  let stored: Record<string, number> = {};
  const batches: StepProgress['last'][] = [];
  let markJoined: (p: number[]) => void = () => {};
  const joined = new Promise<number[]>((r) => (markJoined = r));
  const id = pipelineId(o.pipeline);
  const child = spawnChild({
    name: o.name ?? id,
    main: 'lib/guarantees/main.ts',
    args: [
      '--pipeline',
      id,
      '--run',
      o.runId,
      ...(o.batch ? ['--batch', String(o.batch)] : []),
      ...(o.crashAt ? ['--crash-at', `${o.crashAt.phase}:${o.crashAt.batch}`] : []),
      ...(o.protocol ? ['--protocol', o.protocol] : []),
      ...(o.from?.size ? ['--from', [...o.from].map(([p, at]) => `${p}:${at}`).join(',')] : []),
    ],
    env: o.env,
    onLine: o.onLine,
    onMessage(m) {
      const message = m as GuaranteesIpcMessage;
      if (message.type === 'joined') markJoined(message.partitions);
      else if (message.type === 'progress') {
        progress = message.progress;
        batches.push(message.progress.last);
      } else if (message.type === 'crashing') crash = message.crash;
      else if (message.type === 'stored') stored = message.positions;
    },
  });
  return {
    ...child,
    pipeline: o.pipeline,
    ready: child.ready.then(() => {}),
    joined,
    progress: () => progress,
    batches: () => [...batches],
    crash: () => crash,
    stored: () => ({ ...stored }),
  };
}

/** Whether stored positions (partition → next offset) have reached `high` on every partition with records in range. */
export function caughtUp(positions: Record<string, number>, high: Map<number, number>, from: Map<number, number>) {
  for (const [p, h] of high) {
    if (h <= (from.get(p) ?? 0)) continue;
    if ((positions[String(p)] ?? -1) < h) return false;
  }
  return true;
}
