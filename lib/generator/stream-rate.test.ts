import { describe, expect, test } from 'bun:test';
import { describeRate, peakShare, streamRate } from './stream-rate.ts';

const at = (hhmm: string) => Date.parse(`2026-03-02T${hhmm}:00Z`);
const S = 1000;

describe("a stream's rate", () => {
  describe('when the stream falls in peak hours (09–18 UTC)', () => {
    const r = streamRate({ base: 200, peakFactor: 2.5, fromMs: at('16:31'), toMs: at('16:31') + 30 * S });
    test('targets the base rate × PEAK_FACTOR', () => {
      expect(r).toEqual({
        base_per_s: 200,
        peak_factor: 2.5,
        peak_share: 1,
        peak_hours_utc: [9, 18],
        target_per_s: 500,
      });
    });
    test('says so', () => {
      expect(describeRate(r)).toBe('base 200/s × PEAK_FACTOR 2.5 (in peak hours, 09–18 UTC) = effective target 500/s');
    });
    test('adds what was achieved when given', () => {
      expect(describeRate(r, 497)).toBe(
        'base 200/s × PEAK_FACTOR 2.5 (in peak hours, 09–18 UTC) = effective target 500/s; achieved 497/s',
      );
    });
  });

  test('in a time-lapse inside peak hours: the base rate × the peak factor, in fractions of an event', () => {
    const r = streamRate({ base: 25, peakFactor: 2.5, fromMs: at('16:30'), toMs: at('16:50') });
    expect({ share: r.peak_share, target: r.target_per_s }).toEqual({ share: 1, target: 62.5 });
    expect(describeRate(r, 61.2)).toBe(
      'base 25/s × PEAK_FACTOR 2.5 (in peak hours, 09–18 UTC) = effective target 62.5/s; achieved 61.2/s',
    );
  });

  describe('when the stream is off-peak', () => {
    const r = streamRate({ base: 200, peakFactor: 2.5, fromMs: at('03:48'), toMs: at('03:48') + 30 * S });
    test('targets the base rate', () => {
      expect({ share: r.peak_share, target: r.target_per_s }).toEqual({ share: 0, target: 200 });
    });
    test('says that the factor applies only in peak hours', () => {
      expect(describeRate(r)).toBe('base 200/s, off-peak (× PEAK_FACTOR 2.5 only 09–18 UTC) = effective target 200/s');
    });
    test('so does a stream just before them', () => {
      expect(peakShare(at('08:00'), at('08:30'))).toBe(0);
      expect(streamRate({ base: 25, peakFactor: 2.5, fromMs: at('20:00'), toMs: at('20:20') }).target_per_s).toBe(25);
    });
  });

  describe('when the stream crosses the end of peak hours (18:00 UTC)', () => {
    // 17:59 → 18:01: half of it in peak hours
    const r = streamRate({ base: 100, peakFactor: 3, fromMs: at('17:59'), toMs: at('18:01') });
    test('the share is the part before 18:00, and the target the average of the two rates over the time', () => {
      expect({ share: r.peak_share, target: r.target_per_s }).toEqual({ share: 0.5, target: 200 });
    });
    test('says the share of the run in peak hours', () => {
      expect(describeRate(r)).toBe(
        'base 100/s × PEAK_FACTOR 3 for the 50 % of the run in peak hours (09–18 UTC) = effective target 200/s on average',
      );
    });
    test('over twenty minutes of event time as over two', () => {
      const lapse = streamRate({ base: 10, peakFactor: 3, fromMs: at('17:50'), toMs: at('18:10') });
      expect({ share: lapse.peak_share, target: lapse.target_per_s }).toEqual({ share: 0.5, target: 20 });
    });
  });

  test('when the stream crosses the start of peak hours (09:00 UTC): the time-weighted mix', () => {
    const r = streamRate({ base: 100, peakFactor: 3, fromMs: at('08:59') + 50 * S, toMs: at('09:00') + 10 * S });
    expect({ share: r.peak_share, target: r.target_per_s }).toEqual({ share: 0.5, target: 200 });
    expect(describeRate(r)).toContain('for the 50 % of the run');
  });

  test('with PEAK_FACTOR 1 there is no peak to speak of', () => {
    expect(describeRate(streamRate({ base: 1.6667, peakFactor: 1, fromMs: at('10:00'), toMs: at('10:01') }))).toBe(
      'base 1.667/s (PEAK_FACTOR 1: no peak) = effective target 1.667/s',
    );
  });

  test('writes thousands with separators, to four significant digits', () => {
    const r = streamRate({ base: 1200, peakFactor: 2.5, fromMs: at('10:00'), toMs: at('10:01') });
    expect(describeRate(r, 2987.4)).toBe(
      'base 1,200/s × PEAK_FACTOR 2.5 (in peak hours, 09–18 UTC) = effective target 3,000/s; achieved 2,987/s',
    );
  });
});
