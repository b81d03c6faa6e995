// Lab 08's sink and its planned outage: one sink process in the group, stopped (SIGTERM) when the
// schedule says while the stream goes on, and a new one started when the outage ends. The moments are
// kept on the lab's clock for the report.
import { type SinkProcess, spawnSink } from '../../lib/sink/process.ts';
import { sleep, waitUntil } from '../../lib/wait.ts';
import type { Schedule } from './schedule.ts';

export type OutageTimes = { stopped_at_s: number | null; restarted_at_s: number | null };

export class SinkOutage {
  readonly times: OutageTimes = { stopped_at_s: null, restarted_at_s: null };
  up = false;
  private sink: SinkProcess | undefined;

  constructor(
    private readonly group: string,
    private readonly signal: AbortSignal,
    private readonly say: (line: string) => void,
  ) {}

  /** Starts a sink and resolves once it holds partitions of the group. */
  async start(id: string): Promise<SinkProcess> {
    const s = spawnSink({ id, onLine: (line) => console.error(`  ${line}`) });
    this.sink = s;
    await s.ready;
    await waitUntil(`${id} to join group ${this.group}`, () => s.partitions().length > 0, {
      timeoutMs: 60_000,
      signal: this.signal,
      abort: () => (s.running() ? undefined : `${id} exited`),
    });
    this.up = true;
    return s;
  }

  /** Stops the sink at the outage's start and starts another at its end (seconds after `t0Ms`). */
  async play(plan: Schedule, t0Ms: number): Promise<void> {
    const at = () => (Date.now() - t0Ms) / 1000;
    await sleep(plan.sinkDown.fromS * 1000 - (Date.now() - t0Ms), this.signal);
    if (this.signal.aborted) return;
    this.times.stopped_at_s = at();
    this.up = false;
    this.say(`stopping sink-1 (SIGTERM) for ${plan.sinkDown.toS - plan.sinkDown.fromS} s`);
    await this.sink?.stop();
    await sleep(plan.sinkDown.toS * 1000 - (Date.now() - t0Ms), this.signal);
    if (this.signal.aborted) return;
    this.times.restarted_at_s = at();
    this.say('starting sink-2');
    await this.start('sink-2');
  }

  async stop(): Promise<void> {
    this.up = false;
    await this.sink?.stop();
  }
}
