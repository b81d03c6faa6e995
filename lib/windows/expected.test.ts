import { describe, expect, test } from 'bun:test';
import { transaction } from '../fixtures/transaction.ts';
import { type DisorderOptions, type Disordered, disorder } from '../generator/disorder.ts';
import { TransactionGenerator } from '../generator/index.ts';
import { partitionFor } from '../partitioner.ts';
import type { Transaction } from '../schema.ts';
import type { Aggregate } from './aggregate.ts';
import type { WindowSpec } from './assign.ts';
import { type ExpectedOptions, type WindowResult, expectedWindows } from './expected.ts';

/** 10:30:00 UTC: a multiple of every window size used here */
const T0 = Date.parse('2026-01-15T10:30:00.000Z');
const TUMBLING_10S: WindowSpec = { kind: 'tumbling', sizeMs: 10_000 };
const HOPPING_10S_EVERY_5S: WindowSpec = { kind: 'hopping', sizeMs: 10_000, advanceMs: 5_000 };
const byCustomer = (e: Transaction) => e.customer_id;
const strict: ExpectedOptions = { spec: TUMBLING_10S, key: byCustomer, boundMs: 0, latenessMs: 0 };

/** An approved event of cust_1 at T0 + `offsetMs`. */
const at = (offsetMs: number, amount = 100) =>
  transaction({ timestamp: new Date(T0 + offsetMs).toISOString(), amount, customer_id: 'cust_1' });

/** The aggregate of approved events of these amounts, worked out by hand. */
const approved = (...amounts: number[]): Aggregate => ({
  count: amounts.length,
  sum: amounts.reduce((s, a) => s + a, 0),
  min: Math.min(...amounts),
  max: Math.max(...amounts),
  approvedCount: amounts.length,
  approvedSum: amounts.reduce((s, a) => s + a, 0),
  declinedCount: 0,
  declinedSum: 0,
});

/** The expected Map entry for cust_1's window [T0 + fromMs, T0 + toMs). */
const windowOf = (fromMs: number, toMs: number, aggregate: Aggregate): [string, WindowResult] => [
  `${T0 + fromMs}|cust_1`,
  { window: { start: T0 + fromMs, end: T0 + toMs }, key: 'cust_1', aggregate },
];

const onePartition = (...events: Transaction[]) => new Map([[0, events]]);

describe('expectedWindows', () => {
  test("an event exactly at a window's end is in the next window", () => {
    const result = expectedWindows(onePartition(at(9_999, 100), at(10_000, 200)), strict);
    expect(result).toEqual({
      windows: new Map([windowOf(0, 10_000, approved(100)), windowOf(10_000, 20_000, approved(200))]),
      late: [],
    });
  });

  describe('with a 1 s bound and 2 s of allowed lateness', () => {
    const options = { ...strict, boundMs: 1_000, latenessMs: 2_000 };

    test('an event whose window ended lateness ms before the watermark is left out, as late', () => {
      // stream time 13 s, watermark 12 s = the window's end (10 s) + lateness (2 s)
      const late = at(9_000, 200);
      const result = expectedWindows(onePartition(at(13_000, 100), late), options);
      expect(result).toEqual({
        windows: new Map([windowOf(10_000, 20_000, approved(100))]),
        late: [
          {
            transaction_id: late.transaction_id,
            partition: 0,
            eventMs: T0 + 9_000,
            watermarkMs: T0 + 12_000,
            latenessMs: 3_000,
          },
        ],
      });
    });

    test('an event whose window ends 1 ms after the watermark (minus lateness) still counts', () => {
      // stream time 12.999 s, watermark 11.999 s: the window's end + lateness is the watermark + 1 ms
      const result = expectedWindows(onePartition(at(12_999, 100), at(9_000, 200)), options);
      expect(result).toEqual({
        windows: new Map([windowOf(10_000, 20_000, approved(100)), windowOf(0, 10_000, approved(200))]),
        late: [],
      });
    });
  });

  test('a hopping event counts in the windows still open and only goes to late when all are closed', () => {
    const a = at(7_000, 100); // first: counts in [0, 10) and [5, 15)
    const b = at(4_000, 200); // watermark 7 s: [-5, 5) closed, [0, 10) open
    const c = at(12_000, 300); // counts in [5, 15) and [10, 20)
    const d = at(8_000, 400); // watermark 12 s: [0, 10) closed, [5, 15) open
    const e = at(3_000, 500); // watermark 12 s: [-5, 5) and [0, 10) both closed
    const result = expectedWindows(onePartition(a, b, c, d, e), { ...strict, spec: HOPPING_10S_EVERY_5S });
    expect(result).toEqual({
      windows: new Map([
        windowOf(0, 10_000, approved(100, 200)),
        windowOf(5_000, 15_000, approved(100, 300, 400)),
        windowOf(10_000, 20_000, approved(300)),
      ]),
      late: [
        {
          transaction_id: e.transaction_id,
          partition: 0,
          eventMs: T0 + 3_000,
          watermarkMs: T0 + 12_000,
          latenessMs: 9_000,
        },
      ],
    });
  });

  test("partitions keep their own stream time: a partition far ahead does not make another's events late", () => {
    const ahead = at(60_000, 100);
    const behind = at(1_000, 200);
    expect(
      expectedWindows(
        new Map([
          [0, [ahead]],
          [1, [behind]],
        ]),
        strict,
      ),
    ).toEqual({
      windows: new Map([windowOf(60_000, 70_000, approved(100)), windowOf(0, 10_000, approved(200))]),
      late: [],
    });
    // the same two events on one partition: the second is late
    expect(expectedWindows(onePartition(ahead, behind), strict).late).toEqual([
      {
        transaction_id: behind.transaction_id,
        partition: 0,
        eventMs: T0 + 1_000,
        watermarkMs: T0 + 60_000,
        latenessMs: 59_000,
      },
    ]);
  });

  test('windows of the same key on two partitions add up', () => {
    const result = expectedWindows(
      new Map([
        [0, [at(1_000, 100)]],
        [1, [at(2_000, 200)]],
      ]),
      strict,
    );
    expect(result).toEqual({ windows: new Map([windowOf(0, 10_000, approved(100, 200))]), late: [] });
  });

  test('declined events are counted apart from approved ones', () => {
    const declined = transaction({
      timestamp: new Date(T0 + 2_000).toISOString(),
      customer_id: 'cust_1',
      amount: 300,
      status: 'declined',
      failure_reason: 'insufficient_funds',
    });
    const result = expectedWindows(onePartition(at(1_000, 100), declined), strict);
    expect(result.windows.get(`${T0}|cust_1`)!.aggregate).toEqual({
      count: 2,
      sum: 400,
      min: 100,
      max: 300,
      approvedCount: 1,
      approvedSum: 100,
      declinedCount: 1,
      declinedSum: 300,
    });
  });

  test.each([
    ['a negative bound', { boundMs: -1 }, 'expectedWindows: boundMs must be a finite number of ms ≥ 0, got -1'],
    [
      'an infinite lateness',
      { latenessMs: Number.POSITIVE_INFINITY },
      'expectedWindows: latenessMs must be a finite number of ms ≥ 0, got Infinity',
    ],
    [
      'a window of no size',
      { spec: { kind: 'tumbling', sizeMs: 0 } },
      'windows: sizeMs must be a whole number of ms > 0, got 0',
    ],
  ] as [string, Partial<ExpectedOptions>, string][])('rejects %s', (_name, over, message) => {
    expect(() => expectedWindows(new Map(), { ...strict, ...over })).toThrow(message);
  });
});

describe('expectedWindows over a disordered generated stream', () => {
  const PARTITIONS = 3;
  const EVENTS = 4_000;
  const generator = () =>
    new TransactionGenerator({
      seed: 21,
      customerCount: 400,
      merchantCount: 30,
      fraudRate: 0.02,
      declinedRate: 0.1,
      peakFactor: 2.5,
    });
  const someLate: DisorderOptions = { seed: 5, boundMs: 2_000, lateShare: 0.05, lateByMs: 3_000, lateSpreadMs: 4_000 };
  const options: ExpectedOptions = {
    spec: { kind: 'tumbling', sizeMs: 5_000 },
    key: (e) => e.merchant_category,
    boundMs: 2_000,
    latenessMs: 1_000,
  };

  /** The events as the broker stores them: split by partition, each in send order. */
  function sent(d: DisorderOptions): { sentEvents: Disordered[]; partitions: Map<number, Transaction[]> } {
    const source = generator().stream(T0, 50, { maxEvents: EVENTS });
    const sentEvents = [...disorder(source, d)];
    const partitions = new Map<number, Transaction[]>(Array.from({ length: PARTITIONS }, (_, p) => [p, []]));
    for (const s of sentEvents) partitions.get(partitionFor(s.event.customer_id, PARTITIONS))!.push(s.event);
    return { sentEvents, partitions };
  }

  const { sentEvents, partitions } = sent(someLate);
  const result = expectedWindows(partitions, options);

  test('every event is in exactly one tumbling window or late', () => {
    const counted = [...result.windows.values()].reduce((s, w) => s + w.aggregate.count, 0);
    expect(sentEvents).toHaveLength(EVENTS);
    expect(counted + result.late.length).toBe(EVENTS);
    expect(result.late.length).toBeGreaterThan(20);
  });

  test('only events given a late delay end up late when the watermark bound covers the on-time delay', () => {
    const delayedLate = new Set(sentEvents.filter((s) => s.delayedLate).map((s) => s.event.transaction_id));
    expect(result.late.filter((l) => !delayedLate.has(l.transaction_id))).toEqual([]);
    for (const l of result.late) expect(l.latenessMs).toBe(l.watermarkMs - l.eventMs);
  });

  test('with no late share nothing is late', () => {
    expect(expectedWindows(sent({ ...someLate, lateShare: 0 }).partitions, options).late).toEqual([]);
  });

  test('one window holds exactly the events of its key and time range that were not late', () => {
    const lateIds = new Set(result.late.map((l) => l.transaction_id));
    const middle = Date.parse(sentEvents[EVENTS / 2]!.event.timestamp);
    const start = middle - (middle % 5_000);
    const inWindow = sentEvents
      .map((s) => s.event)
      .filter((e) => e.merchant_category === 'retail' && !lateIds.has(e.transaction_id))
      .filter((e) => Date.parse(e.timestamp) >= start && Date.parse(e.timestamp) < start + 5_000);
    const amounts = inWindow.map((e) => e.amount);
    const ok = inWindow.filter((e) => e.status === 'approved').map((e) => e.amount);
    const no = inWindow.filter((e) => e.status === 'declined').map((e) => e.amount);
    const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    expect(inWindow.length).toBeGreaterThan(10);
    expect(result.windows.get(`${start}|retail`)).toEqual({
      window: { start, end: start + 5_000 },
      key: 'retail',
      aggregate: {
        count: inWindow.length,
        sum: sum(amounts),
        min: Math.min(...amounts),
        max: Math.max(...amounts),
        approvedCount: ok.length,
        approvedSum: sum(ok),
        declinedCount: no.length,
        declinedSum: sum(no),
      },
    });
  });

  test('with hopping windows and lateness beyond every delay, each event counts in size / advance windows', () => {
    const hopping = expectedWindows(partitions, { ...options, spec: HOPPING_10S_EVERY_5S, latenessMs: 60_000 });
    const counted = [...hopping.windows.values()].reduce((s, w) => s + w.aggregate.count, 0);
    expect({ counted, late: hopping.late.length }).toEqual({ counted: 2 * EVENTS, late: 0 });
  });
});
