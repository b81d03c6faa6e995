import { describe, expect, test } from 'bun:test';
import { loadConfig } from '../../../config.ts';
import { CITY, NEW_DEVICE, history, purchase } from '../../../fixtures/fraud.ts';
import type { Transaction } from '../../../schema.ts';
import { RiskEngine, engineOptions } from '../engine.ts';
import { haversineKm } from './geo.ts';

// defaults: velocity 5 in 60 s; high value > 1,000,000, 3 of the last 10; travel > 900 km/h over
// ≥ 100 km; new device ≥ 1× median; outlier ≥ 10× median; both after 5 earlier transactions
const c = loadConfig({});

/** Runs the events through a fresh engine; returns the rules that fired on the last one. */
function firedOnLast(events: Transaction[]): string[] {
  const engine = new RiskEngine(engineOptions());
  let last: string[] = [];
  for (const e of events) last = engine.assess(e).hits.map((h) => h.rule);
  return last;
}

describe('velocity rule (≥ 5 transactions within 60 s)', () => {
  test('fires on the fifth within the window', () => {
    expect(firedOnLast([0, 10, 20, 30, 59.999].map((at) => purchase({ at })))).toEqual(['velocity']);
  });
  test('does not fire when the first is exactly 60 s old (it has left the window)', () => {
    expect(firedOnLast([0, 10, 20, 30, 60].map((at) => purchase({ at })))).toEqual([]);
  });
  test('does not fire on the fourth', () => {
    expect(firedOnLast([0, 1, 2, 3].map((at) => purchase({ at })))).toEqual([]);
  });
  test('scores higher the further past the threshold', () => {
    const engine = new RiskEngine(engineOptions());
    const scores = [0, 1, 2, 3, 4, 5, 6].map((at) => engine.assess(purchase({ at })).score);
    expect(scores.slice(0, 4)).toEqual([0, 0, 0, 0]);
    [0.6, 0.75, 0.9].forEach((s, i) => expect(scores[4 + i]).toBeCloseTo(s, 10));
  });
});

describe('high-value streak rule (3 of the last 10 above 1,000,000)', () => {
  const high = (at: number) => purchase({ at: at * 600, amount: 1_000_001 });
  const low = (at: number) => purchase({ at: at * 600, amount: 200_000 }); // high is 5× this: no outlier
  test('fires on the third above the line', () => {
    expect(firedOnLast([high(0), high(1), high(2)])).toEqual(['high_value_streak']);
  });
  test('an amount of exactly 1,000,000 is not above the line', () => {
    expect(firedOnLast([high(0), high(1), purchase({ at: 1200, amount: 1_000_000 })])).toEqual([]);
  });
  test('counts the third when the first is the tenth-last, not when it is the eleventh-last', () => {
    const lows = (from: number, n: number) => Array.from({ length: n }, (_, i) => low(from + i));
    expect(firedOnLast([high(0), ...lows(1, 7), high(8), high(9)])).toEqual(['high_value_streak']);
    expect(firedOnLast([high(0), ...lows(1, 8), high(9), high(10)])).toEqual([]);
  });
  test('does not fire on a low amount after a streak', () => {
    expect(firedOnLast([high(0), high(1), high(2), low(3)])).toEqual([]);
  });
});

describe('impossible travel rule (> 900 km/h over ≥ 100 km)', () => {
  const km = haversineKm(CITY.tehran, CITY.isfahan); // ≈ 335 km
  const afterSeconds = (s: number) => [purchase({ at: 0 }), purchase({ at: s, where: CITY.isfahan })];
  test('fires just above 900 km/h', () => {
    expect(firedOnLast(afterSeconds(Math.floor((km / 900) * 3600) - 1))).toEqual(['impossible_travel']);
  });
  test('does not fire just below 900 km/h', () => {
    expect(firedOnLast(afterSeconds(Math.ceil((km / 900) * 3600) + 1))).toEqual([]);
  });
  test('Tehran to Istanbul in 20 minutes fires', () => {
    expect(firedOnLast([purchase({ at: 0 }), purchase({ at: 1200, where: CITY.istanbul })])).toEqual([
      'impossible_travel',
    ]);
  });
  test('ignores hops shorter than 100 km, however fast', () => {
    const near = { lat: CITY.tehran.lat + 0.8, lng: CITY.tehran.lng }; // ≈ 89 km north
    expect(firedOnLast([purchase({ at: 0 }), purchase({ at: 1, where: near })])).toEqual([]);
  });
  test('the purchase at home after a jump abroad is not a jump back', () => {
    expect(
      firedOnLast([purchase({ at: 0 }), purchase({ at: 1200, where: CITY.istanbul }), purchase({ at: 2400 })]),
    ).toEqual([]);
  });
  test('needs a previous location', () => {
    expect(firedOnLast([purchase({ at: 0, where: CITY.istanbul })])).toEqual([]);
  });
});

describe('new device rule (unknown device, amount ≥ the median, after 5 transactions)', () => {
  test('fires on an unknown device paying the median', () => {
    expect(firedOnLast([...history(5), purchase({ device: NEW_DEVICE, amount: 100_000 })])).toEqual(['new_device']);
  });
  test('does not fire just below the median', () => {
    expect(firedOnLast([...history(5), purchase({ device: NEW_DEVICE, amount: 99_999 })])).toEqual([]);
  });
  test('waits for 5 earlier transactions', () => {
    expect(firedOnLast([...history(4), purchase({ device: NEW_DEVICE, amount: 100_000 })])).toEqual([]);
  });
  test('does not fire on a device seen before', () => {
    expect(
      firedOnLast([...history(5), purchase({ device: NEW_DEVICE, at: -60 }), purchase({ device: NEW_DEVICE })]),
    ).toEqual([]);
  });
});

describe('amount outlier rule (≥ 10× the running median, after 5 transactions)', () => {
  test('fires at exactly 10× the median', () => {
    expect(firedOnLast([...history(5), purchase({ amount: 1_000_000 })])).toEqual(['amount_outlier']);
  });
  test('does not fire just under 10×', () => {
    expect(firedOnLast([...history(5), purchase({ amount: 999_999 })])).toEqual([]);
  });
  test('waits for 5 earlier transactions', () => {
    expect(firedOnLast([...history(4), purchase({ amount: 5_000_000 })])).toEqual([]);
  });
  test('the median is not dragged up by an earlier outlier', () => {
    const events = [...history(5), purchase({ at: -30, amount: 4_000_000 }), purchase({ amount: 1_000_000 })];
    expect(firedOnLast(events)).toEqual(['amount_outlier']);
  });
});

describe('rules together', () => {
  test('impossible travel on a new device paying more than usual scores as both', () => {
    const engine = new RiskEngine(engineOptions());
    for (const e of history(5)) engine.assess(e);
    const a = engine.assess(purchase({ at: 600, where: CITY.istanbul, device: NEW_DEVICE, amount: 150_000 }));
    expect(a.hits.map((h) => h.rule)).toEqual(['impossible_travel', 'new_device']);
    expect(a.score).toBeCloseTo(1 - (1 - a.hits[0]!.score) * (1 - 0.35), 10);
    expect(a.risky).toBe(true);
  });
  test('an honest history raises nothing', () => {
    expect(firedOnLast([...history(20), purchase({ amount: 120_000 })])).toEqual([]);
  });
});
