import { describe, expect, test } from 'bun:test';
import { transaction } from '../fixtures/transaction.ts';
import { partitionFor } from '../partitioner.ts';
import { type DisorderOptions, type Disordered, disorder, withIdlePartition } from './disorder.ts';
import { type GeneratorOptions, type Scheduled, TransactionGenerator } from './index.ts';

const generatorOptions: GeneratorOptions = {
  seed: 11,
  customerCount: 500,
  merchantCount: 40,
  fraudRate: 0.02,
  declinedRate: 0.05,
  peakFactor: 2.5,
};
const MIDNIGHT = Date.parse('2026-01-05T00:00:00.000Z');
const RATE_PER_S = 50;

const someDisorder: DisorderOptions = { seed: 3, boundMs: 2_000, lateShare: 0.1, lateByMs: 5_000, lateSpreadMs: 3_000 };
const noDisorder: DisorderOptions = { seed: 3, boundMs: 0, lateShare: 0, lateByMs: 0, lateSpreadMs: 0 };

const endlessStream = () => new TransactionGenerator(generatorOptions).stream(MIDNIGHT, RATE_PER_S);
const events = (n: number): Scheduled[] => take(endlessStream(), n);

function take<T>(source: Iterable<T>, n: number): T[] {
  const out: T[] = [];
  if (n <= 0) return out;
  for (const item of source) {
    out.push(item);
    if (out.length >= n) break;
  }
  return out;
}

/** A scheduled event at `timeMs` (a whole ms, so its timestamp says the same time). */
const at = (timeMs: number, customer_id = 'cust_1'): Scheduled => ({
  event: transaction({ timestamp: new Date(timeMs).toISOString(), customer_id }),
  label: null,
  timeMs,
});

describe('disorder', () => {
  const input = events(20_000);
  const output = [...disorder(input, someDisorder)];

  test('the same seed and source give the same output', () => {
    expect([...disorder(input, someDisorder)]).toEqual(output);
  });

  test('a different seed gives different delays', () => {
    const other = [...disorder(input.slice(0, 100), { ...someDisorder, seed: 4 })];
    expect(other.map((d) => d.delayMs)).not.toEqual(output.slice(0, 100).map((d) => d.delayMs));
  });

  test('keeps every event exactly once, unchanged, with its send time = original time + delay', () => {
    expect(output).toHaveLength(input.length);
    const byId = new Map(input.map((s) => [s.event.transaction_id, s]));
    for (const d of output) {
      const original = byId.get(d.event.transaction_id)!;
      expect(d).toEqual({
        ...original,
        timeMs: original.timeMs + d.delayMs,
        eventMs: Date.parse(original.event.timestamp),
        delayMs: d.delayMs,
        delayedLate: d.delayedLate,
      });
      byId.delete(d.event.transaction_id);
    }
    expect(byId.size).toBe(0);
  });

  test('on-time delays are in [0, boundMs), late ones in [boundMs + lateByMs, + lateSpreadMs)', () => {
    const { boundMs, lateByMs, lateSpreadMs } = someDisorder;
    for (const d of output) {
      const [lo, hi] = d.delayedLate ? [boundMs + lateByMs, boundMs + lateByMs + lateSpreadMs] : [0, boundMs];
      expect(d.delayMs).toBeGreaterThanOrEqual(lo);
      expect(d.delayMs).toBeLessThan(hi);
    }
  });

  test('the output is sorted by send time', () => {
    for (let i = 1; i < output.length; i++) expect(output[i]!.timeMs).toBeGreaterThanOrEqual(output[i - 1]!.timeMs);
  });

  test('events really are out of event-time order', () => {
    const backwards = output.filter((d, i) => i > 0 && d.eventMs < output[i - 1]!.eventMs).length;
    expect(backwards).toBeGreaterThan(1000);
  });

  test('the share of late-delayed events is within 1 point of lateShare over 20,000 events', () => {
    const share = output.filter((d) => d.delayedLate).length / output.length;
    expect(Math.abs(share - someDisorder.lateShare)).toBeLessThan(0.01);
  });

  test('with no bound and no late share it gives the input back, in order', () => {
    const same = [...disorder(input.slice(0, 2000), noDisorder)];
    expect(same).toEqual(
      input.slice(0, 2000).map((s) => ({
        ...s,
        eventMs: Date.parse(s.event.timestamp),
        delayMs: 0,
        delayedLate: false,
      })),
    );
  });

  test('ties in send time keep the input order', () => {
    const tied = [at(MIDNIGHT), at(MIDNIGHT), at(MIDNIGHT)];
    const ids = [...disorder(tied, noDisorder)].map((d) => d.event.transaction_id);
    expect(ids).toEqual(tied.map((s) => s.event.transaction_id));
  });

  test('works on an endless source, pulling only as far ahead as the largest delay', () => {
    let pulled = 0;
    function* counted() {
      for (const s of endlessStream()) {
        pulled++;
        yield s;
      }
    }
    const first = take(disorder(counted(), someDisorder), 1000);
    expect(first).toHaveLength(1000);
    // the largest delay is 10 s, about 500 events at 50/s: the buffer never holds many more than that
    const maxDelayS = (someDisorder.boundMs + someDisorder.lateByMs + someDisorder.lateSpreadMs) / 1000;
    expect(pulled - 1000).toBeLessThan(maxDelayS * RATE_PER_S * 1.5);
    expect(first).toEqual(take(disorder(input, someDisorder), 1000));
  });

  test('rejects a source out of time order', () => {
    expect(() => [...disorder([at(MIDNIGHT + 1), at(MIDNIGHT)], noDisorder)]).toThrow(
      `disorder: the source must be in timeMs order, got ${MIDNIGHT} after ${MIDNIGHT + 1}`,
    );
  });

  test.each([
    ['a late share above 0.5', { lateShare: 0.6 }, 'disorder: lateShare must be in [0, 0.5], got 0.6'],
    [
      'a late share that is not a number',
      { lateShare: Number.NaN },
      'disorder: lateShare must be in [0, 0.5], got NaN',
    ],
    ['a negative bound', { boundMs: -1 }, 'disorder: boundMs must be a finite number of ms ≥ 0, got -1'],
    [
      'an infinite late delay',
      { lateByMs: Number.POSITIVE_INFINITY },
      'disorder: lateByMs must be a finite number of ms ≥ 0, got Infinity',
    ],
    ['a negative spread', { lateSpreadMs: -5 }, 'disorder: lateSpreadMs must be a finite number of ms ≥ 0, got -5'],
    ['a fractional seed', { seed: 1.5 }, 'disorder: seed must be a whole number, got 1.5'],
  ] as [string, Partial<DisorderOptions>, string][])('rejects %s', (_name, over, message) => {
    expect(() => disorder([], { ...someDisorder, ...over }).next()).toThrow(message);
  });
});

describe('withIdlePartition', () => {
  const PARTITIONS = 6;
  const idle = { partitions: PARTITIONS, partition: 2, fromMs: MIDNIGHT + 60_000, toMs: MIDNIGHT + 120_000 };
  const input = events(10_000); // about 200 s at 50/s
  const onPartition = (s: Scheduled, p: number) => partitionFor(s.event.customer_id, PARTITIONS) === p;
  const eventMs = (s: Scheduled) => Date.parse(s.event.timestamp);
  const inIdleTime = (s: Scheduled) => eventMs(s) >= idle.fromMs && eventMs(s) < idle.toMs;

  test('drops exactly the events of that partition in [fromMs, toMs), keeping the rest in order', () => {
    const kept = [...withIdlePartition(input, idle)];
    expect(kept).toEqual(input.filter((s) => !(onPartition(s, idle.partition) && inIdleTime(s))));
    expect(input.length - kept.length).toBeGreaterThan(100);
  });

  test('the partition gets events before and after the idle time, none during it', () => {
    const kept = [...withIdlePartition(input, idle)].filter((s) => onPartition(s, idle.partition));
    expect({
      before: kept.some((s) => eventMs(s) < idle.fromMs),
      during: kept.some(inIdleTime),
      after: kept.some((s) => eventMs(s) >= idle.toMs),
    }).toEqual({ before: true, during: false, after: true });
  });

  test('goes by event time, so it works after disorder too', () => {
    const disordered = [...disorder(input, someDisorder)];
    const kept: Disordered[] = [...withIdlePartition(disordered, idle)];
    expect(kept).toEqual(disordered.filter((s) => !(onPartition(s, idle.partition) && inIdleTime(s))));
  });

  test.each([
    ['no partitions', { partitions: 0 }, 'withIdlePartition: partitions must be a whole number > 0, got 0'],
    ['a partition out of range', { partition: 6 }, 'withIdlePartition: partition must be in [0, 6), got 6'],
    [
      'a time range that ends before it starts',
      { fromMs: 10, toMs: 5 },
      'withIdlePartition: fromMs (10) must not be after toMs (5)',
    ],
  ] as [string, Partial<typeof idle>, string][])('rejects %s', (_name, over, message) => {
    expect(() => withIdlePartition([], { ...idle, ...over }).next()).toThrow(message);
  });
});
