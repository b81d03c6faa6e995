// Lab 05's review worker: a child process it starts, kills with SIGKILL halfway through, and starts
// again, noting each moment (seconds on the lab's clock) for the results. It watches every worker's
// exit: one the lab did not cause (a second crash, an OOM kill, a worker that fails to start) marks the
// worker down and settles `lost`, so the lab can stop waiting for reviews that no worker will finish.
import type { Child } from '../../lib/child.ts';
import { spawnWorker } from '../../lib/fraud/review/worker-process.ts';

export type WorkerEvent = {
  t_s: number;
  kind: 'worker_started' | 'worker_ready' | 'worker_killed' | 'worker_died';
  detail: string;
};

/** A worker that exited without the lab asking it to. */
export type WorkerLoss = { t_s: number; pid: number; code: number; detail: string };

export class WorkerSupervisor {
  readonly events: WorkerEvent[] = [];
  readonly pids: number[] = [];
  runtime = 'unknown';
  up = false;
  /** set once a worker has exited unplanned */
  loss: WorkerLoss | undefined;
  /** settles on the first unplanned exit */
  readonly lost: Promise<WorkerLoss>;
  private current: Child | undefined;
  private markLost: (l: WorkerLoss) => void = () => {};

  constructor(
    private readonly clock: () => number,
    private readonly env: Record<string, string> = {},
  ) {
    this.lost = new Promise((r) => (this.markLost = r));
  }

  /** Starts a worker and resolves once it polls its task queue. */
  async start(): Promise<{ pid: number; t_s: number }> {
    const w = spawnWorker(this.env);
    this.current = w;
    this.pids.push(w.pid);
    this.events.push({ t_s: this.clock(), kind: 'worker_started', detail: `pid ${w.pid}` });
    void w.exited.then((code) => this.exited(w, code));
    const ready = await w.ready;
    this.runtime = ready.runtime;
    if (this.current === w) this.up = true;
    const t_s = this.clock();
    this.events.push({ t_s, kind: 'worker_ready', detail: `${ready.detail} (pid ${ready.pid}, ${ready.runtime})` });
    return { pid: w.pid, t_s };
  }

  /** SIGKILL: the crash. Whatever the worker had in hand is abandoned; the server will hand it out again. */
  async crash(): Promise<number | undefined> {
    const w = this.current;
    if (!w) return undefined;
    this.current = undefined; // planned: its exit is not a loss
    this.up = false;
    await w.kill();
    this.events.push({ t_s: this.clock(), kind: 'worker_killed', detail: `SIGKILL pid ${w.pid}` });
    return w.pid;
  }

  /** SIGTERM: a graceful stop at the end of the lab. */
  async stop(): Promise<void> {
    const w = this.current;
    this.current = undefined;
    this.up = false;
    if (w) await w.stop();
  }

  at(kind: WorkerEvent['kind'], nth = 1): number | null {
    return this.events.filter((e) => e.kind === kind)[nth - 1]?.t_s ?? null;
  }

  private exited(w: Child, code: number) {
    if (this.current !== w) return; // the lab killed or stopped it
    this.current = undefined;
    this.up = false;
    const signal = code > 128 ? ` (signal ${code - 128}${code === 137 ? ': SIGKILL' : ''})` : '';
    const loss = { t_s: this.clock(), pid: w.pid, code, detail: `pid ${w.pid} exited with code ${code}${signal}` };
    this.events.push({ t_s: loss.t_s, kind: 'worker_died', detail: loss.detail });
    this.loss ??= loss;
    this.markLost(loss);
  }
}
