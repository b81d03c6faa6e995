// Lab 03's sink group: --sinks sink processes (lib/sink/process.ts) sharing the topic's partitions,
// started, awaited and stopped together.
import { type SinkProcess, type SpawnSinkOptions, spawnSink } from '../../lib/sink/process.ts';
import { waitUntil } from '../../lib/wait.ts';

export class SinkGroup {
  readonly members: SinkProcess[] = [];
  private stopping: Promise<void> | undefined;

  /** Starts `n` sinks, `sink-1` … `sink-n`. */
  start(n: number, o: Omit<SpawnSinkOptions, 'id'>): void {
    for (let i = 1; i <= n; i++) this.members.push(spawnSink({ ...o, id: `sink-${i}` }));
  }

  /** Waits until every member is ready and together they hold all `partitions`; says who holds which. */
  async assigned(partitions: number): Promise<string> {
    await Promise.all(this.members.map((s) => s.ready));
    const all = () => new Set(this.members.flatMap((s) => s.partitions())).size === partitions;
    await waitUntil('the sinks to be assigned every partition', all, { timeoutMs: 60_000, intervalMs: 100 });
    return this.members.map((s) => `${s.id} ← partitions ${s.partitions().join(',')}`).join('; ');
  }

  /** Stops every member cleanly (SIGTERM) and names any that exited with an error; once. */
  stop(): Promise<void> {
    this.stopping ??= Promise.all(this.members.map((s) => s.stop())).then((codes) => {
      for (const [i, code] of codes.entries())
        if (code !== 0) console.error(`lab 03: ${this.members[i]!.id} exited with code ${code}`);
    });
    return this.stopping;
  }
}
