// Anomalies read off final window results, as seed 002's stream job flags them:
// - high_frequency: a customer with ≥ `minTransactions` transactions in one customer window (30 s);
// - merchant_spike: a merchant's window count far above its own recent history: z = (count − mean) / sd
//   over an exponentially weighted mean and variance of its earlier windows (windows with no event count
//   as 0), flagged at z ≥ `zThreshold` once `warmupWindows` windows are known.
// Pure: results in, anomalies out; the merchant history is state the caller may rebuild (seed()).
import type { WindowResult } from './operator.ts';

export type Anomaly = {
  reason: 'high_frequency' | 'merchant_spike';
  view: string;
  key: string;
  start: number;
  end: number;
  count: number;
  sum: number;
  /** what made it anomalous, in a line with the numbers */
  detail: string;
  /** merchant_spike: the z-score */
  score: number;
};

export type AnomalyOptions = { minTransactions: number; zThreshold: number; alpha: number; warmupWindows: number };
export const ANOMALY_DEFAULTS: AnomalyOptions = { minTransactions: 5, zThreshold: 4, alpha: 0.2, warmupWindows: 5 };

type History = { lastStart: number; mean: number; variance: number; windows: number };

export class AnomalyDetector {
  private readonly merchants = new Map<string, History>();

  constructor(
    readonly merchantWindowMs: number,
    readonly o: AnomalyOptions = ANOMALY_DEFAULTS,
  ) {}

  /** The anomalies of one final result (results of a view must come in window order, as the operator emits them). */
  check(r: WindowResult): Anomaly[] {
    if (r.view === 'customer_hopping' && r.count >= this.o.minTransactions)
      return [
        {
          ...pick(r),
          reason: 'high_frequency',
          detail: `${r.count} transactions in ${(r.end - r.start) / 1000} s (≥ ${this.o.minTransactions})`,
          score: r.count,
        },
      ];
    if (r.view !== 'merchant_tumbling') return [];
    const h = this.history(r.key, r.start);
    const sd = Math.sqrt(h.variance);
    const z = sd > 0 ? (r.count - h.mean) / sd : 0;
    const spike = h.windows >= this.o.warmupWindows && z >= this.o.zThreshold;
    const mean = h.mean;
    this.fold(h, r.start, r.count);
    if (!spike) return [];
    return [
      {
        ...pick(r),
        reason: 'merchant_spike',
        detail: `${r.count} transactions against a recent mean of ${mean.toFixed(1)} (z = ${z.toFixed(1)} ≥ ${this.o.zThreshold})`,
        score: Number(z.toFixed(3)),
      },
    ];
  }

  /** Rebuilds a merchant's history from results already emitted (after a restart), without flagging. */
  seed(r: Pick<WindowResult, 'key' | 'start' | 'count'>): void {
    this.fold(this.history(r.key, r.start), r.start, r.count);
  }

  private history(key: string, start: number): History {
    let h = this.merchants.get(key);
    if (!h)
      this.merchants.set(key, (h = { lastStart: start - this.merchantWindowMs, mean: 0, variance: 0, windows: 0 }));
    // windows in between had no event: fold zeros (at most a few dozen; older ones no longer matter)
    const gaps = Math.min(50, Math.max(0, Math.round((start - h.lastStart) / this.merchantWindowMs) - 1));
    for (let i = 0; i < gaps; i++) this.update(h, 0);
    return h;
  }

  private fold(h: History, start: number, count: number) {
    this.update(h, count);
    h.lastStart = start;
  }

  private update(h: History, x: number) {
    if (h.windows === 0) {
      h.mean = x;
      h.variance = 0;
    } else {
      const d = x - h.mean;
      h.mean += this.o.alpha * d;
      h.variance = (1 - this.o.alpha) * (h.variance + this.o.alpha * d * d);
    }
    h.windows++;
  }
}

const pick = (r: WindowResult) => ({
  view: r.view,
  key: r.key,
  start: r.start,
  end: r.end,
  count: r.count,
  sum: r.sum,
});
