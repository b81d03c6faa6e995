import { describe, expect, test } from 'bun:test';
import {
  type JudgedStep,
  PROCESSES,
  type ProcessName,
  STAGES,
  type Stage,
  type StageSample,
  againstClaim,
  describeCeiling,
  findCeiling,
  judgeStep,
  lagSeconds,
  trend,
} from './saturation.ts';

// the default rule: under 1 s behind at the end (the least of the last 2 samples), growth ≥ 0.05 s/s

/** A step's samples every 0.5 s for `seconds`; each stage's lag (seconds) as a function of time. */
function samples(lags: Partial<Record<Stage, (t: number) => number>> = {}, seconds = 10): StageSample[] {
  return Array.from({ length: seconds * 2 }, (_, i) => {
    const t = (i + 1) / 2;
    const stages = {} as StageSample['stages'];
    for (const s of STAGES) {
      const lag = lags[s]?.(t) ?? 0.05;
      stages[s] = { lag_records: Math.round(lag * 1000), lag_s: lag, per_s: 1000 };
    }
    return { t_s: t, stages };
  });
}

const cpu = (over: Partial<Record<ProcessName, number | null>> = {}) =>
  Object.fromEntries(PROCESSES.map((p) => [p, over[p] ?? 10])) as Record<ProcessName, number | null>;

/** A judged step at `offered` events/s, from its lags. */
function step(
  offered: number,
  lags: Partial<Record<Stage, (t: number) => number>> = {},
  cpuOver: Partial<Record<ProcessName, number | null>> = {},
): JudgedStep {
  return { ...judgeStep(samples(lags)), offered_per_s: offered, achieved_per_s: offered * 0.99, cpu: cpu(cpuOver) };
}

const growing =
  (perS: number, from = 0) =>
  (t: number) =>
    Math.max(0.05, (t - from) * perS);

describe('lag in seconds', () => {
  test('is the records behind divided by the rate the stream grows at', () => {
    expect(lagSeconds(3000, 2000)).toBe(1.5);
  });
  test('is 0 with nothing behind, whatever the rate', () => {
    expect(lagSeconds(0, 0)).toBe(0);
  });
  test('counts a rate below 1 record/s as 1/s rather than dividing by zero', () => {
    expect(lagSeconds(5, 0)).toBe(5);
  });
});

describe('trend', () => {
  test('is the slope of lag against time', () => {
    expect(trend([0, 1, 2, 3].map((t) => ({ t_s: t, lag_s: 0.5 * t + 2 })))).toBeCloseTo(0.5, 10);
  });
  test('is 0 with a single point', () => {
    expect(trend([{ t_s: 1, lag_s: 5 }])).toBe(0);
  });
});

describe('a step of the ramp', () => {
  test('is sustained when every stage ends it less than 1 s behind', () => {
    const v = judgeStep(samples({ sink: () => 0.99 }));
    expect({ sustained: v.sustained, behind: v.behind }).toEqual({ sustained: true, behind: [] });
  });

  test('is not sustained when one stage ends it 1 s behind or more', () => {
    const v = judgeStep(samples({ windows: (t) => (t >= 9.5 ? 1 : 0.2) }));
    expect({ sustained: v.sustained, behind: v.behind }).toEqual({ sustained: false, behind: ['windows'] });
  });

  test('is still sustained when only the last sample is slow (one slow poll is not a backlog)', () => {
    const v = judgeStep(samples({ fraud: (t) => (t === 10 ? 3 : 0.1) }));
    expect({
      sustained: v.sustained,
      lag_end_s: v.stages.fraud.lag_end_s,
      lag_max_s: v.stages.fraud.lag_max_s,
    }).toEqual({ sustained: true, lag_end_s: 0.1, lag_max_s: 3 });
  });

  test('is not sustained when the producer falls behind its schedule', () => {
    expect(judgeStep(samples({ producer: growing(0.3) })).behind).toEqual(['producer']);
  });

  test('names when a stage fell behind for good: the start of its last stretch at or over the limit', () => {
    const v = judgeStep(samples({ sink: (t) => (t === 2 ? 1.5 : t >= 6 ? 2 : 0.1) }));
    expect(v.stages.sink).toEqual({
      lag_end_s: 2,
      lag_end_records: 2000,
      lag_max_s: 2,
      per_s: 1000,
      growth_s_per_s: expect.any(Number),
      growing: true,
      behind_from_s: 6,
    });
  });

  test("is not sustained when a stage's process exited during it, even before its lag showed it", () => {
    const v = judgeStep(samples(), undefined, { windows: 9.2 });
    expect({ sustained: v.sustained, behind: v.behind, down: v.down, from: v.stages.windows.behind_from_s }).toEqual({
      sustained: false,
      behind: ['windows'],
      down: ['windows'],
      from: 9.2,
    });
  });

  test('with no samples is not sustained (nothing was measured)', () => {
    expect(judgeStep([]).sustained).toBe(false);
  });
});

describe('the ceiling', () => {
  test('is the last sustained step before the first that is not', () => {
    const c = findCeiling([step(250), step(500), step(1000, { sink: growing(0.4) }), step(2000)]);
    expect({ step: c.step, offered: c.offered_per_s, events: c.events_per_s, at: c.saturation?.step }).toEqual({
      step: 1,
      offered: 500,
      events: 495,
      at: 2,
    });
  });

  test('is above the ramp when every step was sustained', () => {
    const c = findCeiling([step(250), step(500)]);
    expect({ step: c.step, saturation: c.saturation }).toEqual({ step: 1, saturation: null });
  });

  test('is null when not even the first step was sustained', () => {
    const c = findCeiling([step(250, { producer: growing(1) })]);
    expect({ step: c.step, events: c.events_per_s, stage: c.saturation?.stage }).toEqual({
      step: null,
      events: null,
      stage: 'producer',
    });
  });
});

describe('the component that saturated first', () => {
  test('is the stage that fell behind earliest in the first step not sustained', () => {
    const c = findCeiling([step(1000), step(2000, { sink: growing(0.5, 6), fraud: growing(0.3, 1) })]);
    expect({ stage: c.saturation?.stage, behind: c.saturation?.behind }).toEqual({
      stage: 'fraud',
      behind: ['sink', 'fraud'],
    });
  });

  test('is the one further behind when two fell behind at the same sample', () => {
    const c = findCeiling([step(1000, { sink: growing(0.2), windows: growing(0.4) })]);
    expect(c.saturation?.stage).toBe('windows');
  });

  test('comes with the first stage whose lag grew, even in an earlier step that was still sustained', () => {
    const c = findCeiling([
      step(1000),
      step(2000, { windows: (t) => 0.05 + 0.08 * t }), // grows to 0.85 s: still sustained
      step(4000, { windows: growing(0.5), sink: growing(0.6, 3) }),
    ]);
    expect(c.saturation?.first_growing).toEqual({
      step: 1,
      offered_per_s: 2000,
      stage: 'windows',
      growth_s_per_s: expect.closeTo(0.08, 10),
    });
  });

  test('comes with the process that used the most CPU in that step', () => {
    const c = findCeiling([step(1000, { sink: growing(1) }, { producer: 97, sink: 60, kafka: null })]);
    expect(c.saturation?.hottest).toEqual({ process: 'producer', cpu_pct: 97 });
  });

  test('is told in one line', () => {
    // the sink's lag: (t − 4) × 0.5 s, at least 0.05; over 1 s from t = 6; 2.75 s at t = 9.5 (the least of the last two)
    const c = findCeiling([step(2000), step(4000, { sink: growing(0.5, 4) }, { kafka: 130 })]);
    expect(describeCeiling(c)).toBe(
      'sustained 1,980/s; at 4,000/s sink fell ≥ 1 s behind first, 6.0 s into the step, 2.8 s behind at its end; hottest process: kafka at 130 % of a core',
    );
  });
});

describe('a stage whose process exited', () => {
  test('is named as the one that stopped, not as slow', () => {
    const c = findCeiling([
      step(1000),
      { ...judgeStep(samples(), undefined, { windows: 3.5 }), offered_per_s: 2000, achieved_per_s: 1990, cpu: cpu() },
    ]);
    expect(describeCeiling(c)).toBe(
      'sustained 990/s; at 2,000/s windows stopped first: its process exited 3.5 s into the step; hottest process: producer at 10 % of a core',
    );
  });
});

describe("seed 001's claim", () => {
  test('is compared as a share of 10,000 events/s', () => {
    expect(againstClaim(2500)).toEqual({
      claim_events_per_s: 10_000,
      measured_events_per_s: 2500,
      ratio: 0.25,
      met: false,
    });
  });
  test('is met at 10,000 events/s', () => {
    expect(againstClaim(10_000).met).toBe(true);
  });
  test('counts no sustained step as 0 events/s', () => {
    expect(againstClaim(null).measured_events_per_s).toBe(0);
  });
});
