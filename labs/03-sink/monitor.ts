// Lab 03's view of a running sink group, once a second: produced vs stored, rows/s, and the group's
// lag per partition, as a progress line and as the timeline the notebook plots.
import type { Admin } from 'kafkajs';
import { fmt, progress } from '../../lib/terminal.ts';
import type { Lab03Result } from '../../lib/results/lab03.ts';
import { type PartitionLag, groupLag, totalLag } from '../../lib/lag.ts';
import type { SinkProcess } from '../../lib/sink/process.ts';

export type TimelinePoint = Lab03Result['samples']['timeline'][number];

/** A sink's log line, printed above the progress line. */
export function printAbove(line: string) {
  process.stderr.write(process.stderr.isTTY ? `\r\x1b[2K${line}\n` : `${line}\n`);
}

/** Follows the run once a second: produced vs stored, rows/s, lag per partition. */
export class Monitor {
  phase: 'backfill' | 'live' | 'drain' = 'backfill';
  readonly timeline: TimelinePoint[] = [];
  private lags: PartitionLag[] = [];
  private readonly started = performance.now();
  private lastStored = 0;
  private lastT = 0;
  private readonly line = progress('sink', 500);
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly admin: Admin,
    private readonly sinks: readonly SinkProcess[],
    private readonly where: { group: string; topic: string; partitions: number },
    private readonly produced: () => number,
  ) {}

  /** seconds since the run's input started */
  elapsed = () => (performance.now() - this.started) / 1000;

  async tick() {
    try {
      this.lags = await groupLag(this.admin, this.where.group, this.where.topic);
    } catch (e) {
      printAbove(`monitor: could not read the group's lag: ${(e as Error).message}`);
      return;
    }
    const t = (performance.now() - this.started) / 1000;
    const stored = this.sinks.reduce((s, k) => s + (k.snapshot()?.rows_inserted ?? 0), 0);
    const rate = t > this.lastT ? (stored - this.lastStored) / (t - this.lastT) : 0;
    [this.lastStored, this.lastT] = [stored, t];
    const byPartition = Array.from(
      { length: this.where.partitions },
      (_, p) => this.lags.find((l) => l.partition === p)?.lag ?? 0,
    );
    this.timeline.push({
      t_s: Math.round(t * 10) / 10,
      phase: this.phase,
      produced: this.produced(),
      stored,
      rows_per_s: Math.round(rate),
      lag: totalLag(this.lags),
      lag_by_partition: byPartition,
    });
    this.line.update(
      `${t.toFixed(0)} s ${this.phase.padEnd(8)} produced ${fmt(this.produced())}  new rows ${fmt(stored)} (${fmt(Math.round(rate))}/s)  lag ${fmt(totalLag(this.lags))} [${byPartition.map((l, p) => `p${p} ${fmt(l)}`).join(' ')}]`,
    );
  }

  /** Ticks once a second until `finish()`. */
  start(everyMs = 1000) {
    this.ticker = setInterval(() => void this.tick(), everyMs);
  }

  /** A last tick, then the closing line. */
  async finish() {
    await this.tick();
    clearInterval(this.ticker);
    this.done();
  }

  private done() {
    const last = this.timeline[this.timeline.length - 1];
    // new rows can exceed what this run produced: the group also stores any backlog already on the topic
    this.line.done(
      last
        ? `produced ${fmt(last.produced)} this run, ${fmt(last.stored)} new rows stored (incl. any backlog on the topic), lag ${fmt(last.lag)} after ${last.t_s.toFixed(0)} s`
        : 'no progress recorded',
    );
  }
}
