// Lab 02's progress: a line for the backfill, and a line a second for the live stream (sent, acked,
// achieved vs target rate), kept as the timeline notebook 02 plots.
import type { DeliveryStats } from '../../lib/produce.ts';
import type { Lab02Result } from '../../lib/results/lab02.ts';
import { fmt, progress } from '../../lib/terminal.ts';
import { streamRate } from '../../lib/generator/stream-rate.ts';

export type Tick = Lab02Result['samples']['progress'][number];

export function backfillProgress(stats: DeliveryStats, total: number) {
  const line = progress('backfill');
  return {
    update: () => line.update(`${fmt(stats.acked)}/${fmt(total)} acked`),
    done: (seconds: number) =>
      line.done(`${fmt(stats.acked)} acked, ${stats.failed} failed in ${seconds.toFixed(1)} s`),
  };
}

/** Follows the live stream from its start (construction) to `done()`. */
export class LiveTracker {
  readonly startMs = Date.now();
  readonly ticks: Tick[] = [];
  seconds = 0;
  private lastAcked = 0;
  private readonly line = progress('live');

  constructor(
    private readonly stats: DeliveryStats,
    private readonly o: { durationS: number; rate: number; peakFactor: number },
  ) {}

  /** `ms` since the stream started */
  tick(ms: number) {
    const t = ms / 1000;
    const dt = t - (this.ticks[this.ticks.length - 1]?.t_s ?? 0);
    const rate = dt > 0 ? (this.stats.acked - this.lastAcked) / dt : 0;
    this.lastAcked = this.stats.acked;
    this.ticks.push({ t_s: t, sent: this.stats.sent, acked: this.stats.acked, rate_per_s: rate });
    const { target_per_s: target } = streamRate({
      base: this.o.rate,
      peakFactor: this.o.peakFactor,
      fromMs: this.startMs,
      toMs: Date.now(),
    });
    this.line.update(
      `${t.toFixed(0)}/${this.o.durationS} s  sent ${fmt(this.stats.sent)}  acked ${fmt(this.stats.acked)}  failed ${this.stats.failed}  ${fmt(rate)}/s (target ${fmt(target)}/s)`,
    );
  }

  done() {
    this.seconds = (Date.now() - this.startMs) / 1000;
    this.line.done(`${fmt(this.stats.acked)} acked, ${this.stats.failed} failed in ${this.seconds.toFixed(1)} s`);
  }
}
