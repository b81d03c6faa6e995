import { describe, expect, test } from 'bun:test';
import { transaction } from '../fixtures/transaction.ts';
import { TransactionGenerator } from '../generator/index.ts';
import { partitionFor } from '../partitioner.ts';
import { seededRng } from '../random.ts';
import type { Transaction } from '../schema.ts';
import {
  type CommitPoint,
  MAX_WINDOW_AMOUNT,
  type OperatorOptions,
  type WindowResult,
  WindowOperator,
  decodeMeta,
} from './operator.ts';

const T0 = Date.parse('2026-01-15T10:00:00.000Z'); // a multiple of 10 s
const at = (ms: number, over: Partial<Transaction> = {}) =>
  transaction({ timestamp: new Date(T0 + ms).toISOString(), ...over });

const TUMBLING_10S: OperatorOptions = {
  views: [{ name: 'category', spec: { kind: 'tumbling', sizeMs: 10_000 }, key: (e) => e.merchant_category }],
  boundMs: 1_000,
  latenessMs: 500,
  idleTimeoutMs: 0,
};

/** Feeds `events` of one partition in order, at wall-clock 0, and returns everything emitted. */
function run(op: WindowOperator, partition: number, events: Transaction[], firstOffset = 0) {
  const late = events.flatMap((e, i) => op.process(partition, firstOffset + i, e, 0));
  return { late, results: op.advance(0) };
}

const brief = (r: WindowResult) => ({ key: r.key, start: r.start - T0, count: r.count, sum: r.sum });

describe('tumbling windows on one partition', () => {
  test('a window is emitted once the watermark passes its end plus the allowed lateness, with exact sums', () => {
    const op = new WindowOperator(TUMBLING_10S);
    op.assign(0, 0);
    const before = run(op, 0, [at(1_000, { amount: 100 }), at(9_999, { amount: 250, status: 'declined' })]);
    expect(before.results).toEqual([]);
    // watermark = 11,499 − 1,000 = 10,499 < 10,500: still open
    expect(run(op, 0, [at(11_499)], 2).results).toEqual([]);
    const closed = run(op, 0, [at(11_500)], 3).results;
    expect(closed).toEqual([
      {
        view: 'category',
        key: 'retail',
        start: T0,
        end: T0 + 10_000,
        watermarkMs: T0 + 10_500,
        count: 2,
        sum: 350,
        min: 100,
        max: 250,
        approvedCount: 1,
        approvedSum: 100,
        declinedCount: 1,
        declinedSum: 250,
      },
    ]);
    expect(op.openPanes).toBe(1); // only the window of the last two events
  });

  test('an event exactly at a window end belongs to the next window', () => {
    const op = new WindowOperator(TUMBLING_10S);
    op.assign(0, 0);
    const { results } = run(op, 0, [at(10_000), at(30_000)]);
    expect(results.map(brief)).toEqual([{ key: 'retail', start: 10_000, count: 1, sum: 150_000 }]);
  });

  describe('when an event arrives late', () => {
    test('1 ms beyond the allowed lateness, it goes to the late output with its lateness, and counts nowhere', () => {
      const op = new WindowOperator(TUMBLING_10S);
      op.assign(0, 0);
      // watermark 10,500 = end 10,000 + lateness 500: the window [0, 10 s) has closed
      const { late, results } = run(op, 0, [at(11_500), at(9_000)]);
      expect(late).toEqual([
        expect.objectContaining({
          eventMs: T0 + 9_000,
          watermarkMs: T0 + 10_500,
          latenessMs: 1_500,
          reason: 'watermark',
        }),
      ]);
      expect(results).toEqual([]);
    });

    test('still within the allowed lateness, it counts', () => {
      const op = new WindowOperator(TUMBLING_10S);
      op.assign(0, 0);
      const { late } = run(op, 0, [at(11_499), at(9_000)]); // watermark 10,499 < 10,500
      expect(late).toEqual([]);
      expect(run(op, 0, [at(30_000)], 2).results.map(brief)).toEqual([
        { key: 'retail', start: 0, count: 1, sum: 150_000 },
        { key: 'retail', start: 10_000, count: 1, sum: 150_000 },
      ]);
    });
  });
});

describe('what cannot be windowed', () => {
  test('an event more than 5 min after its record timestamp: it would pin its partition and make the rest late', () => {
    const op = new WindowOperator(TUMBLING_10S);
    const e = at(0);
    expect(op.problem(e, T0 - 5 * 60_000)).toBeUndefined();
    expect(op.problem(e, T0 - 5 * 60_000 - 1)).toContain('after its record');
  });

  test('an amount above 2^53 / 2^20 is refused itself, before it can make a window refuse good events', () => {
    const op = new WindowOperator(TUMBLING_10S);
    expect(op.problem(at(0, { amount: MAX_WINDOW_AMOUNT }), T0)).toBeUndefined();
    expect(op.problem(at(0, { amount: MAX_WINDOW_AMOUNT + 1 }), T0)).toContain('past 2^53');
  });

  test('an amount that would take a sum past 2^53 − 1 is refused before it changes anything', () => {
    const op = new WindowOperator(TUMBLING_10S);
    op.assign(0, 0);
    const big = Number.MAX_SAFE_INTEGER - 10;
    op.process(0, 0, at(1_000, { amount: big }), 0);
    expect(op.problem(at(2_000, { amount: 11 }), T0)).toContain('past 2^53');
    expect(op.problem(at(2_000, { amount: 10 }), T0)).toBeUndefined();
    expect(op.problem(at(12_000, { amount: 11 }), T0)).toBeUndefined(); // another window
  });
});

describe('hopping windows', () => {
  test('an event counts in every window that covers it', () => {
    const op = new WindowOperator({
      ...TUMBLING_10S,
      views: [{ name: 'hop', spec: { kind: 'hopping', sizeMs: 10_000, advanceMs: 5_000 }, key: () => 'all' }],
    });
    op.assign(0, 0);
    const { results } = run(op, 0, [at(7_000), at(60_000)]);
    expect(results.map((r) => [r.start - T0, r.count])).toEqual([
      [0, 1],
      [5_000, 1],
    ]);
  });
});

describe('two partitions', () => {
  const opts = { ...TUMBLING_10S, idleTimeoutMs: 5_000 };

  test('a window closes only when both partitions have passed it', () => {
    const op = new WindowOperator(opts);
    op.assign(0, 0);
    op.assign(1, 0);
    op.process(0, 0, at(1_000), 0);
    op.process(0, 1, at(20_000), 0);
    expect(op.advance(1_000)).toEqual([]); // partition 1 has read nothing: its watermark holds everything
    op.process(1, 0, at(12_000), 1_000);
    expect(op.advance(1_000).map(brief)).toEqual([{ key: 'retail', start: 0, count: 1, sum: 150_000 }]);
  });

  test('a fast partition does not make the other one late: lateness is judged per partition', () => {
    const op = new WindowOperator(opts);
    op.assign(0, 0);
    op.assign(1, 0);
    op.process(0, 0, at(50_000), 0);
    expect(op.process(1, 0, at(1_000), 0)).toEqual([]);
  });

  describe('when one partition goes quiet', () => {
    test('without an idle timeout, it holds every window open', () => {
      const op = new WindowOperator({ ...opts, idleTimeoutMs: 0 });
      op.assign(0, 0);
      op.assign(1, 0);
      op.process(1, 0, at(500), 0);
      op.process(0, 0, at(1_000), 0);
      op.process(0, 1, at(40_000), 0);
      expect(op.advance(60_000)).toEqual([]);
    });

    test('a trickle of late events does not keep it active: only a stream time that moves does', () => {
      const op = new WindowOperator(opts);
      op.assign(0, 0);
      op.assign(1, 0);
      op.process(1, 0, at(500), 0);
      op.process(0, 0, at(1_000), 0);
      op.process(0, 1, at(40_000), 4_000);
      op.process(1, 1, at(400), 4_500); // older than its stream time: no progress
      expect(op.watermarks.isIdle(1, 5_000)).toBe(true);
      op.process(1, 2, at(41_000), 5_500); // progress: it holds the watermark again
      expect(op.watermarks.isIdle(1, 5_500)).toBe(false);
    });

    test('after the idle timeout the others close windows without it; what it sends for them later is late, "closed"', () => {
      const op = new WindowOperator(opts);
      op.assign(0, 0);
      op.assign(1, 0);
      op.process(1, 0, at(500), 0);
      op.process(0, 0, at(1_000), 0);
      op.process(0, 1, at(40_000), 4_000);
      expect(op.advance(4_999)).toEqual([]);
      expect(op.advance(5_000).map(brief)).toEqual([{ key: 'retail', start: 0, count: 2, sum: 300_000 }]);
      const late = op.process(1, 1, at(2_000), 6_000); // partition 1's own watermark (−500) would accept it
      expect(late).toEqual([expect.objectContaining({ reason: 'closed', watermarkMs: T0 + 39_000 })]);
    });
  });
});

describe('a crash and a replay from the last commit', () => {
  // a seeded, disordered stream over 3 partitions, ~60 s of event time
  function input() {
    const gen = new TransactionGenerator({
      seed: 7,
      customerCount: 200,
      merchantCount: 20,
      fraudRate: 0.02,
      declinedRate: 0.05,
      peakFactor: 1,
    });
    const rng = seededRng(11);
    const events = [...gen.stream(T0, 100, { endMs: T0 + 60_000 })].map((s) => ({
      e: s.event,
      // 5 % very late (3 s), the rest within the bound
      at: s.timeMs + (rng() < 0.05 ? 3_000 : rng() * 800),
    }));
    events.sort((a, b) => a.at - b.at);
    const parts = new Map<number, Transaction[]>();
    for (const { e } of events) {
      const p = partitionFor(e.customer_id, 3);
      parts.set(p, [...(parts.get(p) ?? []), e]);
    }
    return parts;
  }
  const OPTS: OperatorOptions = {
    views: [
      { name: 'category', spec: { kind: 'tumbling', sizeMs: 5_000 }, key: (e) => e.merchant_category },
      { name: 'merchant_hop', spec: { kind: 'hopping', sizeMs: 10_000, advanceMs: 5_000 }, key: (e) => e.merchant_id },
    ],
    boundMs: 1_000,
    latenessMs: 500,
    idleTimeoutMs: 0,
  };

  /** Round-robin over partitions in chunks of 7 records, advancing and committing after each round. */
  function consume(
    op: WindowOperator,
    parts: Map<number, Transaction[]>,
    from: Map<number, number>,
    stopAfter = Infinity,
  ) {
    const results = new Map<string, WindowResult>();
    const late: string[] = [];
    let commits: CommitPoint[] = [];
    const pos = new Map(from);
    let rounds = 0;
    for (;;) {
      let any = false;
      for (const [p, events] of parts) {
        const start = pos.get(p) ?? 0;
        for (let o = start; o < Math.min(start + 7, events.length); o++) {
          late.push(...op.process(p, o, events[o]!, 0).map((l) => `${l.view}|${l.transaction_id}`));
          any = true;
        }
        pos.set(p, Math.min(start + 7, events.length));
      }
      for (const r of op.advance(0)) results.set(`${r.view}|${r.start}|${r.key}`, r);
      commits = op.commits();
      if (!any || ++rounds >= stopAfter) return { results, late, commits };
    }
  }

  test('the emitted results of both lives together are exactly those of an uninterrupted run', () => {
    const parts = input();
    const whole = new WindowOperator(OPTS);
    for (const p of parts.keys()) whole.assign(p, 0);
    const expected = consume(whole, parts, new Map());

    const first = new WindowOperator(OPTS);
    for (const p of parts.keys()) first.assign(p, 0);
    const before = consume(first, parts, new Map(), 150); // then SIGKILL: state gone, commits survive
    const second = new WindowOperator(OPTS);
    for (const c of before.commits) second.assign(c.partition, 0, decodeMeta(c.metadata));
    const after = consume(second, parts, new Map(before.commits.map((c) => [c.partition, c.offset])));

    // the watermark that closed a window depends on when it was read; what the window holds does not
    const content = (m: Map<string, WindowResult>) =>
      [...m.entries()].map(([k, { watermarkMs, ...r }]) => [k, r] as const).sort((a, b) => a[0].localeCompare(b[0]));
    const both = new Map([...before.results, ...after.results]);
    expect(before.results.size).toBeGreaterThan(10);
    expect(after.results.size).toBeGreaterThan(10);
    expect(expected.late.length).toBeGreaterThan(0);
    expect(content(both)).toEqual(content(expected.results));
    expect(new Set([...before.late, ...after.late])).toEqual(new Set(expected.late));
    // a replay re-emits nothing the first life had emitted
    expect([...after.results.keys()].filter((k) => before.results.has(k))).toEqual([]);
  });
});
