import { describe, expect, test } from 'bun:test';
import { seededRng } from '../../lib/random.ts';
import { panelQueries } from './panels.ts';
import { rateAt, schedule, varyingLoad } from './schedule.ts';
import { alertPoints, alertTimeline, onClock } from './timeline.ts';

describe("lab 08's schedule", () => {
  test('stops the sink --down + 10 s before the end, after a peak over the middle third before it', () => {
    expect(schedule({ duration: 90, down: 54, rate: 200 })).toEqual({
      durationS: 90,
      rate: 200,
      peak: { fromS: 8.666666666666666, toS: 17.333333333333332, rate: 600 },
      sinkDown: { fromS: 26, toS: 80 },
    });
  });

  test('refuses a --down that leaves less than 9 s before the stop', () => {
    expect(() => schedule({ duration: 30, down: 25, rate: 1 })).toThrow('--duration 30 is too short for --down 25');
  });

  test('thins a stream at the peak rate to the rate of the moment', () => {
    const s = schedule({ duration: 40, down: 10, rate: 100 }); // peak over [6.67, 13.33) s
    const stream = (function* () {
      for (let i = 0; ; i++) yield { timeMs: (i * 1000) / 300, label: 'x' } as never; // Poisson at the peak rate, evenly here
    })();
    const kept = [
      ...(function* () {
        for (const e of varyingLoad(s, 0, stream, seededRng(1))) {
          if ((e as { timeMs: number }).timeMs >= 20_000) return;
          yield e as { timeMs: number; label: null };
        }
      })(),
    ];
    const inPeak = kept.filter((e) => rateAt(s, e.timeMs / 1000) === 300).length;
    expect({ base: Math.round((kept.length - inPeak) / 13.33 / 100), peak: Math.round(inPeak / 6.67 / 100) }).toEqual({
      base: 1,
      peak: 3,
    });
    expect(kept.every((e) => e.label === null)).toBe(true);
  });
});

describe("the alert's timeline", () => {
  const series = (state: string, ts: number[]) => ({
    labels: { alertname: 'ConsumerLagGrowing', alertstate: state },
    points: ts.map((t) => [1000 + t, 1] as [number, number]),
  });

  test('reads pending, firing and resolved from the ALERTS points, on the run clock', () => {
    const points = alertPoints([series('firing', [40, 45]), series('pending', [10, 15, 20, 25, 30, 35])], 1_000_000);
    expect(alertTimeline(points, 5, 60)).toEqual({ pending_at_s: 10, firing_at_s: 40, resolved_at_s: 50 });
  });

  test('has no resolution while the alert is active at the end', () => {
    const points = alertPoints([series('pending', [10, 15])], 1_000_000);
    expect(alertTimeline(points, 5, 17)).toEqual({ pending_at_s: 10, firing_at_s: null, resolved_at_s: null });
  });

  test('adds up the series a panel shows per timestamp', () => {
    const a = { labels: { reason: 'oversized' }, points: [[100, 1] as [number, number]] };
    const b = { labels: { reason: 'conflict' }, points: [[100, 2] as [number, number]] };
    expect(onClock([a, b], 90_000)).toEqual([{ t_s: 10, value: 3 }]);
  });
});

describe("lab 08's queries", () => {
  test("are the pipeline dashboard's, for the sink's group alone", () => {
    const q = panelQueries('t_x.txlab-sink');
    expect(q.lag).toBe(
      'sum by (consumergroup, topic) (kafka_consumergroup_lag_sum{consumergroup=~"t_x\\\\.txlab-sink"})',
    );
    expect(q.stored_per_s).toBe('sum(rate(txlab_sink_rows_stored_total[20s]))');
    expect(q.alert).toBe('ALERTS{alertname="ConsumerLagGrowing",consumergroup="t_x.txlab-sink"}');
  });
});
