import { describe, expect, test } from 'bun:test';
import { transaction } from '../fixtures/transaction.ts';
import { disorder } from '../generator/disorder.ts';
import { TransactionGenerator } from '../generator/index.ts';
import type { Transaction } from '../schema.ts';
import type { Aggregate } from './aggregate.ts';
import { type Session, type SessionOptions, sessionize } from './sessions.ts';

const T0 = Date.parse('2026-01-15T10:30:00.000Z');
const GAP = 5_000;
/** a watermark far behind: nothing is ever late */
const patient: SessionOptions = { gapMs: GAP, boundMs: 3_600_000, latenessMs: 0, key: (e) => e.customer_id };
/** a watermark right at stream time, no lateness allowed */
const strict: SessionOptions = { ...patient, boundMs: 0 };

/** An approved event of `customer` at T0 + `offsetMs`. */
const at = (offsetMs: number, amount = 100, customer = 'cust_1') =>
  transaction({ timestamp: new Date(T0 + offsetMs).toISOString(), amount, customer_id: customer });

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

/** The session of `key` from its first event at T0 + firstMs to its last at T0 + lastMs. */
const session = (firstMs: number, lastMs: number, aggregate: Aggregate, key = 'cust_1'): Session => ({
  key,
  start: T0 + firstMs,
  end: T0 + lastMs + GAP,
  aggregate,
});

describe('sessionize', () => {
  test('two events gapMs − 1 apart are one session', () => {
    expect(sessionize([at(0, 100), at(GAP - 1, 200)], patient)).toEqual({
      sessions: [session(0, GAP - 1, approved(100, 200))],
      late: [],
    });
  });

  test('two events gapMs apart are two sessions', () => {
    expect(sessionize([at(0, 100), at(GAP, 200)], patient)).toEqual({
      sessions: [session(0, 0, approved(100)), session(GAP, GAP, approved(200))],
      late: [],
    });
  });

  test('an out-of-order event between two sessions merges them into one', () => {
    const before = [at(0, 100), at(8_000, 200)];
    expect(sessionize(before, patient).sessions).toEqual([
      session(0, 0, approved(100)),
      session(8_000, 8_000, approved(200)),
    ]);
    expect(sessionize([...before, at(4_000, 300)], patient)).toEqual({
      sessions: [session(0, 8_000, approved(100, 200, 300))],
      late: [],
    });
  });

  test('keys have their own sessions, sorted by key then start', () => {
    const events = [at(0, 100, 'cust_2'), at(1_000, 200, 'cust_1'), at(2_000, 300, 'cust_2'), at(9_000, 400, 'cust_1')];
    expect(sessionize(events, patient)).toEqual({
      sessions: [
        session(1_000, 1_000, approved(200), 'cust_1'),
        session(9_000, 9_000, approved(400), 'cust_1'),
        session(0, 2_000, approved(100, 300), 'cust_2'),
      ],
      late: [],
    });
  });

  test('aggregates count declined events apart from approved ones', () => {
    const declined = transaction({
      timestamp: new Date(T0 + 1_000).toISOString(),
      customer_id: 'cust_1',
      amount: 700,
      status: 'declined',
      failure_reason: 'card_expired',
    });
    expect(sessionize([at(0, 250), declined, at(2_000, 50)], patient).sessions).toEqual([
      {
        key: 'cust_1',
        start: T0,
        end: T0 + 2_000 + GAP,
        aggregate: {
          count: 3,
          sum: 1_000,
          min: 50,
          max: 700,
          approvedCount: 2,
          approvedSum: 300,
          declinedCount: 1,
          declinedSum: 700,
        },
      },
    ]);
  });

  describe('with the watermark at stream time and no lateness', () => {
    // cust_1's session of its event at 0 ends at 5 s; the event at 20 s moves the watermark to 20 s
    test('an event that would reopen a closed session is late', () => {
      const reopening = at(3_000, 300);
      expect(sessionize([at(0, 100), at(20_000, 200), reopening], strict)).toEqual({
        sessions: [session(0, 0, approved(100)), session(20_000, 20_000, approved(200))],
        late: [
          {
            transaction_id: reopening.transaction_id,
            partition: 0,
            eventMs: T0 + 3_000,
            watermarkMs: T0 + 20_000,
            latenessMs: 17_000,
          },
        ],
      });
    });

    test('an event that would start a session already closed is late; one that would close 1 ms later counts', () => {
      const tooLate = at(15_000 - GAP, 300); // its session would end at 15 s: closed already by a watermark at 15 s
      const justInTime = at(15_000 - GAP + 1, 400, 'cust_2'); // ends at 15.001 s
      expect(sessionize([at(15_000, 100, 'cust_3'), tooLate, justInTime], strict)).toEqual({
        sessions: [
          session(15_000 - GAP + 1, 15_000 - GAP + 1, approved(400), 'cust_2'),
          session(15_000, 15_000, approved(100), 'cust_3'),
        ],
        late: [
          {
            transaction_id: tooLate.transaction_id,
            partition: 0,
            eventMs: T0 + 10_000,
            watermarkMs: T0 + 15_000,
            latenessMs: 5_000,
          },
        ],
      });
    });

    test('an event bridging an open session and a closed one is late, and the open one stays as it was', () => {
      // watermark 12 s: the session at 0 (ends 5 s) is closed, the one at 9 s (ends 14 s) is open
      const bridge = at(4_500, 300);
      const result = sessionize([at(0, 100), at(9_000, 200), at(12_000, 50, 'cust_2'), bridge], {
        ...strict,
        partition: 3,
      });
      expect(result).toEqual({
        sessions: [
          session(0, 0, approved(100)),
          session(9_000, 9_000, approved(200)),
          session(12_000, 12_000, approved(50), 'cust_2'),
        ],
        late: [
          {
            transaction_id: bridge.transaction_id,
            partition: 3,
            eventMs: T0 + 4_500,
            watermarkMs: T0 + 12_000,
            latenessMs: 7_500,
          },
        ],
      });
    });

    test('allowed lateness keeps a session open for that much longer', () => {
      const result = sessionize([at(0, 100), at(20_000, 200), at(3_000, 300)], { ...strict, latenessMs: 15_001 });
      expect(result).toEqual({
        sessions: [session(0, 3_000, approved(100, 300)), session(20_000, 20_000, approved(200))],
        late: [],
      });
    });
  });

  test.each([
    ['no gap', { gapMs: 0 }, 'sessionize: gapMs must be a finite number of ms > 0, got 0'],
    ['a negative lateness', { latenessMs: -1 }, 'sessionize: latenessMs must be a finite number of ms ≥ 0, got -1'],
  ] as [string, Partial<SessionOptions>, string][])('rejects %s', (_name, over, message) => {
    expect(() => sessionize([], { ...patient, ...over })).toThrow(message);
  });
});

describe('sessionize over a disordered generated stream', () => {
  const EVENTS = 3_000;
  const SESSION_GAP = 2_000;
  const byCustomer = (e: Transaction) => e.customer_id;
  const source = new TransactionGenerator({
    seed: 33,
    customerCount: 60,
    merchantCount: 20,
    fraudRate: 0.05,
    declinedRate: 0.1,
    peakFactor: 2.5,
  }).stream(T0, 20, { maxEvents: EVENTS });
  const sent = [
    ...disorder(source, { seed: 9, boundMs: 1_500, lateShare: 0.05, lateByMs: 4_000, lateSpreadMs: 4_000 }),
  ];
  const events = sent.map((s) => s.event);

  test('with nothing late, the sessions are each key’s event times split at silences of gapMs or more', () => {
    const { sessions, late } = sessionize(events, { ...patient, gapMs: SESSION_GAP });
    const byKey = new Map<string, Transaction[]>();
    for (const e of events) byKey.set(e.customer_id, [...(byKey.get(e.customer_id) ?? []), e]);
    const expected: Session[] = [];
    for (const key of [...byKey.keys()].sort()) {
      const sorted = byKey.get(key)!.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
      let run: Transaction[] = [];
      const close = () => {
        const amounts = run.map((e) => e.amount);
        const ok = run.filter((e) => e.status === 'approved').map((e) => e.amount);
        const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
        expected.push({
          key,
          start: Date.parse(run[0]!.timestamp),
          end: Date.parse(run[run.length - 1]!.timestamp) + SESSION_GAP,
          aggregate: {
            count: run.length,
            sum: sum(amounts),
            min: Math.min(...amounts),
            max: Math.max(...amounts),
            approvedCount: ok.length,
            approvedSum: sum(ok),
            declinedCount: run.length - ok.length,
            declinedSum: sum(amounts) - sum(ok),
          },
        });
      };
      for (const e of sorted) {
        if (run.length > 0 && Date.parse(e.timestamp) - Date.parse(run[run.length - 1]!.timestamp) >= SESSION_GAP) {
          close();
          run = [];
        }
        run.push(e);
      }
      close();
    }
    expect(late).toEqual([]);
    expect(sessions).toEqual(expected);
    expect(sessions.some((s) => s.aggregate.count > 1)).toBe(true);
  });

  test('with a tight watermark every event is in one session or late', () => {
    const { sessions, late } = sessionize(events, {
      gapMs: SESSION_GAP,
      boundMs: 1_500,
      latenessMs: 0,
      key: byCustomer,
    });
    const counted = sessions.reduce((s, x) => s + x.aggregate.count, 0);
    expect(counted + late.length).toBe(EVENTS);
    expect(late.length).toBeGreaterThan(0);
    const delayedLate = new Set(sent.filter((s) => s.delayedLate).map((s) => s.event.transaction_id));
    expect(late.filter((l) => !delayedLate.has(l.transaction_id))).toEqual([]);
  });
});
