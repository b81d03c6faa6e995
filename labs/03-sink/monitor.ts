// Lab 03's view of a running sink group, once a second: produced vs stored, rows/s, and the group's
// lag per partition, as a progress line and as the timeline the notebook plots.
import type { Admin } from 'kafkajs';
import { fmt, progress } from '../../lib/terminal.ts';
import type { Lab03Result } from '../../lib/results/lab03.ts';
import { type PartitionLag, groupLag, totalLag } from '../../lib/lag.ts';
import { type RatePoint, addSample } from './rate-series.ts';

export type TimelinePoint = Lab03Result['samples']['timeline'][number];

/** A sink's log line, printed above the progress line. */
export function printAbove(line: string) {
  process.stderr.write(process.stderr.isTTY ? `\r\x1b[2K${line}\n` : `${line}\n`);
}

/**
 * Follows the run once a second: produced vs stored, rows/s, lag per partition. The counts are read at the
 * tick's instant (before the lag query, whose time varies); ticks never overlap, and a closing tick that
 * comes less than half a second after the last one is merged into it (rate-series.ts addSample).
 */
export class Monitor {
  phase: 'backfill' | 'live' | 'drain' = 'backfill';
  readonly timeline: TimelinePoint[] = [];
  private rates: RatePoint[] = [];
  private lags: PartitionLag[] = [];
  private readonly started = performance.now();
  private readonly line = progress('sink', 500);
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  /**
   * `stored`: rows the sinks inserted since this run's input started (their counters less what they had
   * stored before: the backlog); `produced`: this run's messages Kafka acknowledged.
   */
  constructor(
    private readonly admin: Admin,
    private readonly where: { group: string; topic: string; partitions: number },
    private readonly counts: { produced: () => number; stored: () => number },
  ) {}

  /** seconds since the run's input started */
  elapsed = () => (performance.now() - this.started) / 1000;

  async tick() {
    const t = this.elapsed();
    const [produced, stored] = [this.counts.produced(), this.counts.stored()];
    try {
      this.lags = await groupLag(this.admin, this.where.group, this.where.topic);
    } catch (e) {
      printAbove(`monitor: could not read the group's lag: ${(e as Error).message}`);
      return;
    }
    const merged = this.rates.length;
    this.rates = addSample(this.rates, t, stored);
    if (this.rates.length === merged) this.timeline.pop();
    const rate = this.rates[this.rates.length - 1]!.per_s;
    const byPartition = Array.from(
      { length: this.where.partitions },
      (_, p) => this.lags.find((l) => l.partition === p)?.lag ?? 0,
    );
    this.timeline.push({
      t_s: Math.round(t * 10) / 10,
      phase: this.phase,
      produced,
      stored,
      rows_per_s: Math.round(rate),
      lag: totalLag(this.lags),
      lag_by_partition: byPartition,
    });
    this.line.update(
      `${t.toFixed(0)} s ${this.phase.padEnd(8)} produced ${fmt(produced)}  stored ${fmt(stored)} (${fmt(Math.round(rate))}/s)  lag ${fmt(totalLag(this.lags))} [${byPartition.map((l, p) => `p${p} ${fmt(l)}`).join(' ')}]`,
    );
  }

  /** Ticks every `everyMs` on a fixed schedule (a slow tick skips the slots it overran) until `finish()`. */
  start(everyMs = 1000) {
    this.running = (async () => {
      for (let slot = 1; !this.stopped; slot++) {
        const wait = slot * everyMs - (performance.now() - this.started);
        if (wait < 0) continue;
        await new Promise<void>((r) => {
          const timer = setTimeout(r, wait);
          this.wake = () => (clearTimeout(timer), r());
        });
        if (!this.stopped) await this.tick();
      }
    })();
  }

  /** A last tick, then the closing line. */
  async finish() {
    this.stopped = true;
    this.wake?.();
    await this.running;
    await this.tick();
    this.done();
  }

  private done() {
    const last = this.timeline[this.timeline.length - 1];
    this.line.done(
      last
        ? `produced ${fmt(last.produced)} this run, ${fmt(last.stored)} of them stored, lag ${fmt(last.lag)} after ${last.t_s.toFixed(0)} s`
        : 'no progress recorded',
    );
  }
}
