// Lab 05's review worker: a child process it starts, kills with SIGKILL halfway through, and starts
// again, noting each moment (seconds on the lab's clock) for the results.
import { type WorkerProcess, spawnWorker } from '../../lib/fraud/review/worker-process.ts';

export type WorkerEvent = { t_s: number; kind: 'worker_started' | 'worker_ready' | 'worker_killed'; detail: string };

export class WorkerSupervisor {
  readonly events: WorkerEvent[] = [];
  readonly pids: number[] = [];
  runtime = 'unknown';
  private current: WorkerProcess | undefined;
  up = false;

  constructor(
    private readonly clock: () => number,
    private readonly env: Record<string, string> = {},
  ) {}

  /** Starts a worker and resolves once it polls its task queue. */
  async start(): Promise<void> {
    const w = spawnWorker(this.env);
    this.current = w;
    this.pids.push(w.pid);
    this.events.push({ t_s: this.clock(), kind: 'worker_started', detail: `pid ${w.pid}` });
    const ready = await w.ready;
    this.runtime = ready.runtime;
    this.up = true;
    this.events.push({
      t_s: this.clock(),
      kind: 'worker_ready',
      detail: `${ready.detail} (pid ${ready.pid}, ${ready.runtime})`,
    });
  }

  /** SIGKILL: the crash. Whatever the worker had in hand is abandoned; the server will hand it out again. */
  async crash(): Promise<void> {
    if (!this.current) return;
    const pid = this.current.pid;
    this.up = false;
    await this.current.kill();
    this.events.push({ t_s: this.clock(), kind: 'worker_killed', detail: `SIGKILL pid ${pid}` });
    this.current = undefined;
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
}
