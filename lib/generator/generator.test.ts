import { describe, expect, test } from 'bun:test';
import { Transaction } from '../schema.ts';
import { type GeneratorOptions, type Scheduled, TransactionGenerator, checkPatterns, isPeakHour } from './index.ts';
import { sumOfUniformsBelow } from './odds.ts';

const options = (over: Partial<GeneratorOptions> = {}): GeneratorOptions => ({
  seed: 7,
  customerCount: 1000,
  merchantCount: 50,
  fraudRate: 0.02,
  declinedRate: 0.05,
  peakFactor: 2.5,
  ...over,
});

const MIDNIGHT = Date.parse('2026-01-05T00:00:00.000Z');
const take = (it: Iterator<Scheduled>, n: number) => Array.from({ length: n }, () => it.next().value as Scheduled);
const labeledShare = (events: readonly Scheduled[]) => events.filter((e) => e.label).length / events.length;
/** What a live run puts on the topic: the stream's events until the run's end (a bounded stream stops there itself). */
function run(gen: TransactionGenerator, startMs: number, rate: number, seconds: number): Scheduled[] {
  const endMs = startMs + seconds * 1000;
  const out: Scheduled[] = [];
  for (const e of gen.stream(startMs, rate, { endMs })) {
    if (e.timeMs >= endMs) break;
    out.push(e);
  }
  return out;
}

describe('the generator', () => {
  describe('given the same seed', () => {
    test('produces an identical stream and backfill', () => {
      const a = new TransactionGenerator(options());
      const b = new TransactionGenerator(options());
      expect(take(a.stream(MIDNIGHT, 5), 2000)).toEqual(take(b.stream(MIDNIGHT, 5), 2000));
      expect(a.backfill(500, MIDNIGHT - 7 * 86_400_000, MIDNIGHT)).toEqual(
        b.backfill(500, MIDNIGHT - 7 * 86_400_000, MIDNIGHT),
      );
    });
    test('a different seed produces a different stream', () => {
      const a = take(new TransactionGenerator(options()).stream(MIDNIGHT, 5), 10);
      const b = take(new TransactionGenerator(options({ seed: 8 })).stream(MIDNIGHT, 5), 10);
      expect(a.map((e) => e.event.transaction_id)).not.toEqual(b.map((e) => e.event.transaction_id));
    });
  });

  describe('arrivals', () => {
    test('the mean inter-arrival time is within 3 % of 1/λ over 20,000 events (fraud included)', () => {
      const lambda = 50; // off-peak: 20k events at 50/s stay within 00:00–00:07 UTC
      const events = take(new TransactionGenerator(options()).stream(MIDNIGHT, lambda), 20_001);
      const gaps = events.slice(1).map((e, i) => (e.timeMs - events[i]!.timeMs) / 1000);
      const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
      expect(Math.abs(mean * lambda - 1)).toBeLessThan(0.03);
      // exponential: the share of gaps shorter than the mean is 1 − e⁻¹ ≈ 0.632
      const short = gaps.filter((g) => g < 1 / lambda).length / gaps.length;
      expect(Math.abs(short - (1 - Math.exp(-1)))).toBeLessThan(0.02);
    });

    test('events arrive in time order', () => {
      const events = take(new TransactionGenerator(options({ fraudRate: 0.2 })).stream(MIDNIGHT, 20), 5000);
      for (let i = 1; i < events.length; i++) expect(events[i]!.timeMs).toBeGreaterThanOrEqual(events[i - 1]!.timeMs);
    });

    test('peak hours (09–18 UTC) run at PEAK_FACTOR times the off-peak rate', () => {
      const start = Date.parse('2026-01-05T08:00:00.000Z');
      const counts = { off: 0, peak: 0 };
      for (const e of new TransactionGenerator(options()).stream(start, 2)) {
        if (e.timeMs >= start + 2 * 3_600_000) break;
        counts[isPeakHour(e.timeMs) ? 'peak' : 'off']++;
      }
      expect(counts.peak / counts.off).toBeGreaterThan(2.5 * 0.93);
      expect(counts.peak / counts.off).toBeLessThan(2.5 * 1.07);
    });

    test('the backfill puts exactly N events in the window, with the daily peak', () => {
      const from = MIDNIGHT - 7 * 86_400_000;
      const events = new TransactionGenerator(options()).backfill(20_000, from, MIDNIGHT);
      expect(events).toHaveLength(20_000);
      expect(events.every((e) => e.timeMs >= from && e.timeMs < MIDNIGHT)).toBe(true);
      const peak = events.filter((e) => isPeakHour(e.timeMs)).length;
      const ratio = peak / 9 / ((events.length - peak) / 15); // per-hour rate, peak vs off-peak
      expect(ratio).toBeGreaterThan(2.5 * 0.93);
      expect(ratio).toBeLessThan(2.5 * 1.07);
    });
  });

  describe('content', () => {
    // 2/s: 50k events span 00:00–07:00 UTC, long enough for patterns spread over minutes
    const events = [...new TransactionGenerator(options()).stream(MIDNIGHT, 2, { maxEvents: 50_000 })];

    test('every event satisfies the schema', () => {
      for (const { event } of events) expect(Transaction.safeParse(event).success).toBe(true);
    });

    test('labeled fraud is FRAUD_RATE of the stream, within 15 %', () => {
      const labeled = events.filter((e) => e.label).length / events.length;
      expect(labeled).toBeGreaterThan(0.02 * 0.85);
      expect(labeled).toBeLessThan(0.02 * 1.15);
    });

    test('declines are DECLINED_RATE of the stream, within 10 %, each with a reason', () => {
      const declined = events.filter((e) => e.event.status === 'declined');
      expect(declined.length / events.length).toBeGreaterThan(0.05 * 0.9);
      expect(declined.length / events.length).toBeLessThan(0.05 * 1.1);
      expect(declined.every((e) => e.event.failure_reason !== null)).toBe(true);
    });

    test('every fraud pattern occurs and labels stay out of the event', () => {
      const patterns = new Set(events.flatMap((e) => (e.label ? [e.label.pattern] : [])));
      expect([...patterns].sort()).toEqual([
        'amount_outlier',
        'high_value_streak',
        'impossible_travel',
        'velocity_burst',
      ]);
      for (const { event } of events) expect(Object.keys(event)).not.toContain('label');
    });

    test('a velocity burst is at least 5 events of one customer within 60 s', () => {
      const bursts = Map.groupBy(
        events.filter((e) => e.label?.pattern === 'velocity_burst'),
        (e) => e.label!.instance,
      );
      expect(bursts.size).toBeGreaterThan(10);
      for (const burst of bursts.values()) {
        expect(burst.length).toBeGreaterThanOrEqual(5);
        expect(new Set(burst.map((e) => e.event.customer_id)).size).toBe(1);
        expect(burst[burst.length - 1]!.timeMs - burst[0]!.timeMs).toBeLessThan(60_000);
      }
    });
  });

  describe('a bounded run', () => {
    // seed 7's world; the share is a ratio of small counts in a short run, so the mean over runs is checked too
    const RUN_S = 30;
    const RATE = 200;
    const runs = Array.from({ length: 40 }, (_, i) =>
      run(new TransactionGenerator(options({ seed: 7 + i })), MIDNIGHT, RATE, RUN_S),
    );

    test('a 30 s stream at 200/s labels FRAUD_RATE of its events, within 15 %', () => {
      const share = labeledShare(runs[0]!);
      expect(share).toBeGreaterThan(0.02 * 0.85);
      expect(share).toBeLessThan(0.02 * 1.15);
    });

    test('over 40 such runs the labeled share is FRAUD_RATE within 5 %, and the event count λ·T within 1 %', () => {
      const all = runs.flat();
      expect(Math.abs(labeledShare(all) / 0.02 - 1)).toBeLessThan(0.05);
      expect(Math.abs(all.length / (runs.length * RATE * RUN_S) - 1)).toBeLessThan(0.01);
    });

    test('every labeled pattern is whole, inside the run', () => {
      // a high fraud rate over an hour: every pattern occurs, and many are started near the end
      const long = run(new TransactionGenerator(options({ fraudRate: 0.2 })), MIDNIGHT, 2, 3600);
      for (const events of [...runs, long]) {
        expect(
          events.every((e) => e.timeMs >= MIDNIGHT && e.timeMs < MIDNIGHT + (events === long ? 3600 : RUN_S) * 1000),
        ).toBe(true);
        expect(checkPatterns(events).broken).toEqual([]);
      }
      expect(new Set(long.flatMap((e) => (e.label ? [e.label.pattern] : []))).size).toBe(4);
    });

    test('a stream bounded by a count has exactly that many events, whole patterns, and ends when they are due', () => {
      const events = [
        ...new TransactionGenerator(options({ fraudRate: 0.1 })).stream(MIDNIGHT, 300, { maxEvents: 300 }),
      ];
      expect(events).toHaveLength(300);
      expect(checkPatterns(events).broken).toEqual([]);
      expect(events.at(-1)!.timeMs - MIDNIGHT).toBeLessThan(3_000); // 300 events at 300/s: about 1 s
    });

    test('an endless stream cut at 30 s would have broken patterns (what the bound prevents)', () => {
      const endless = new TransactionGenerator(options({ fraudRate: 0.2 })).stream(MIDNIGHT, 200);
      const cut: Scheduled[] = [];
      for (let e = endless.next().value!; e.timeMs < MIDNIGHT + 30_000; e = endless.next().value!) cut.push(e);
      expect(checkPatterns(cut).broken.length).toBeGreaterThan(0);
    });
  });

  describe('the backfill', () => {
    const WEEK = 7 * 86_400_000;

    test('labels FRAUD_RATE of its events, within 10 % (10 backfills of 20,000)', () => {
      const events = Array.from({ length: 10 }, (_, i) =>
        new TransactionGenerator(options({ seed: 7 + i })).backfill(20_000, MIDNIGHT - WEEK, MIDNIGHT),
      ).flat();
      expect(Math.abs(labeledShare(events) / 0.02 - 1)).toBeLessThan(0.1);
    });

    test('ends on whole patterns: exactly N events, each pattern complete inside the window, the share kept', () => {
      // small backfills with much fraud: the N-th event often falls where a pattern would still go on
      const from = MIDNIGHT - 3_600_000;
      const backfills = Array.from({ length: 200 }, (_, i) =>
        new TransactionGenerator(options({ seed: 1 + i, customerCount: 100, fraudRate: 0.2 })).backfill(
          40,
          from,
          MIDNIGHT,
        ),
      );
      for (const [i, events] of backfills.entries()) {
        expect(events).toHaveLength(40);
        expect(events.every((e) => e.timeMs >= from && e.timeMs < MIDNIGHT)).toBe(true);
        expect({ seed: 1 + i, broken: checkPatterns(events).broken }).toEqual({ seed: 1 + i, broken: [] });
      }
      expect(Math.abs(labeledShare(backfills.flat()) / 0.2 - 1)).toBeLessThan(0.1);
    });
  });

  describe("the odds near a run's end", () => {
    test('the chance that k gaps fit follows the Irwin–Hall distribution', () => {
      expect(sumOfUniformsBelow(0, 0, 0, 1)).toBe(1);
      expect(sumOfUniformsBelow(1, 0, 10, 2.5)).toBeCloseTo(0.25);
      expect(sumOfUniformsBelow(2, 0, 1, 1)).toBeCloseTo(0.5);
      expect(sumOfUniformsBelow(3, 0, 1, 1)).toBeCloseTo(1 / 6);
      expect(sumOfUniformsBelow(4, 3, 12, 12)).toBe(0);
      expect(sumOfUniformsBelow(4, 3, 12, 48)).toBe(1);
    });
  });
});
