import { describe, expect, test } from 'bun:test';
import { type MemberTimeline, analyzeBaseline, analyzeEvent, longestGap, throughputTimeline } from './rebalance.ts';

/** A batch of `records` on each partition every `step` ms in [from, to], as a member reports them. */
function batches(partitions: number[], from: number, to: number, step = 100, records = 10) {
  const out: { partition: number; records: number; at: number }[] = [];
  for (let at = from; at <= to; at += step) for (const partition of partitions) out.push({ partition, records, at });
  return out;
}

function member(name: string, o: Partial<MemberTimeline> = {}): MemberTimeline {
  return { name, batches: [], assignments: [], rebalances: [], latency: [], ...o };
}

describe('the longest gap', () => {
  test('is the widest stretch between consecutive times', () => {
    expect(longestGap([0, 100, 200, 900, 1000])).toEqual({ ms: 700, start: 200, end: 900 });
  });

  test('ignores the stretches that ended before the event, and takes one the event falls into', () => {
    expect(longestGap([0, 2_000, 2_100, 2_500, 2_600], 2_200)).toEqual({ ms: 400, start: 2_100, end: 2_500 });
  });

  test('is undefined without two times, or without one after the event', () => {
    expect({ one: longestGap([5]), before: longestGap([1, 2, 3], 10) }).toEqual({ one: undefined, before: undefined });
  });
});

describe('the throughput timeline', () => {
  test('sums the records of the batches that ended in each bucket, as records per second', () => {
    const t = throughputTimeline(
      [
        { at: 1_010, records: 50 },
        { at: 1_240, records: 50 },
        { at: 1_260, records: 25 },
        { at: 1_900, records: 5 },
      ],
      1_000,
      2_000,
    );
    expect(t).toEqual([
      { t_ms: 0, records_per_s: 400 },
      { t_ms: 250, records_per_s: 100 },
      { t_ms: 500, records_per_s: 0 },
      { t_ms: 750, records_per_s: 20 },
    ]);
  });
});

describe('a crash, analysed from what the members reported', () => {
  // consumer-1 holds 0-2 and consumer-2 holds 3-5, a batch per partition every 100 ms; consumer-2 is
  // SIGKILLed at 5 000 (its last batch at 4 900). At 11 000 its session has expired: consumer-1 notices
  // the rebalance, gives up its partitions (eager protocol) and at 11 500 is assigned all six; it reads
  // again from 11 600.
  const c1 = member('consumer-1', {
    batches: [...batches([0, 1, 2], 0, 11_000), ...batches([0, 1, 2, 3, 4, 5], 11_600, 15_000)],
    assignments: [
      { at: -500, partitions: [0, 1, 2] },
      { at: 11_500, partitions: [0, 1, 2, 3, 4, 5] },
    ],
    rebalances: [11_000],
    latency: [
      [4_000, 40],
      [6_000, 45],
      [11_600, 6_700],
      [12_000, 80],
    ],
  });
  const c2 = member('consumer-2', {
    batches: batches([3, 4, 5], 0, 4_900),
    assignments: [{ at: -500, partitions: [3, 4, 5] }],
    latency: [[4_900, 50]],
  });
  const window = {
    kind: 'crash' as const,
    member: 'consumer-2',
    at: 5_000,
    settled: 11_700,
    end: 15_000,
    runStart: -10_000,
    membersBefore: 2,
    membersAfter: 1,
  };
  // consumer-0 left long before, holding 3-5 when it did: its stale assignment must not count
  const c0 = member('consumer-0', { assignments: [{ at: -2_000, partitions: [3, 4, 5] }] });
  const event = analyzeEvent(window, [c0, c1, c2], 6);

  test('the dead member’s partitions wait from its last batch until the survivor reads them', () => {
    expect(event.partitions.filter((p) => p.partition >= 3)).toEqual(
      [3, 4, 5].map((partition) => ({
        partition,
        from: 'consumer-2',
        to: 'consumer-1',
        gap_ms: 6_700,
        gap_start_ms: -100,
        gap_end_ms: 6_600,
        assigned_ms: 6_500,
      })),
    );
  });

  test('the survivor’s own partitions stop too, for the rebalance only (every member gives up everything)', () => {
    expect(
      event.partitions.filter((p) => p.partition < 3).map((p) => ({ p: p.partition, gap: p.gap_ms, to: p.to })),
    ).toEqual([
      { p: 0, gap: 600, to: 'consumer-1' },
      { p: 1, gap: 600, to: 'consumer-1' },
      { p: 2, gap: 600, to: 'consumer-1' },
    ]);
  });

  test('the group as a whole paused for the rebalance; it was noticed and settled after the session timeout', () => {
    const { partitions: _, latency_ms, ...rest } = event;
    expect({ ...rest, latency: { count: latency_ms.count, max: latency_ms.max } }).toEqual({
      kind: 'crash',
      member: 'consumer-2',
      at_ms: 15_000,
      members_before: 2,
      members_after: 1,
      noticed_ms: 6_000,
      moved_ms: 6_500,
      group_gap_ms: 600,
      group_gap_start_ms: 6_000,
      group_gap_end_ms: 6_600,
      longest_partition_gap_ms: 6_700,
      moved_partitions: 3,
      latency: { count: 3, max: 6_700 },
    });
  });
});

describe('a join', () => {
  test('is noticed when the joiner gets its first partitions if no other member noticed it sooner', () => {
    const old = member('consumer-1', {
      batches: [...batches([0, 1], 0, 1_900), ...batches([0], 2_100, 3_000)],
      assignments: [
        { at: -100, partitions: [0, 1] },
        { at: 2_000, partitions: [0] },
      ],
    });
    const joiner = member('consumer-2', {
      batches: batches([1], 2_100, 3_000),
      assignments: [{ at: 1_900, partitions: [1] }],
    });
    const e = analyzeEvent(
      {
        kind: 'join',
        member: 'consumer-2',
        at: 1_000,
        settled: 2_050,
        end: 3_000,
        runStart: 0,
        membersBefore: 1,
        membersAfter: 2,
      },
      [old, joiner],
      2,
    );
    expect({ noticed: e.noticed_ms, moved: e.moved_ms, p0: e.partitions[0], p1: e.partitions[1] }).toEqual({
      noticed: 900,
      moved: 1_000,
      // partition 0 stays with consumer-1, which gives it up in the rebalance all the same (eager protocol)
      p0: {
        partition: 0,
        from: 'consumer-1',
        to: 'consumer-1',
        gap_ms: 200,
        gap_start_ms: 900,
        gap_end_ms: 1_100,
        assigned_ms: 1_000,
      },
      p1: {
        partition: 1,
        from: 'consumer-1',
        to: 'consumer-2',
        gap_ms: 200,
        gap_start_ms: 900,
        gap_end_ms: 1_100,
        assigned_ms: 900,
      },
    });
  });
});

describe('the baseline', () => {
  test('is the steady stretch: its latency and its longest gaps, of the group and of one partition', () => {
    const m = member('consumer-1', {
      batches: [...batches([0], 0, 1_000, 100), ...batches([1], 0, 1_000, 250)],
      latency: [
        [500, 30],
        [900, 50],
        [5_000, 999],
      ],
    });
    const b = analyzeBaseline([m], 0, 1_000, 2);
    expect({
      group: b.group_gap_ms,
      partition: b.partition_gap_ms,
      count: b.latency_ms.count,
      max: b.latency_ms.max,
    }).toEqual({
      group: 100,
      partition: 250,
      count: 2,
      max: 50,
    });
  });
});
