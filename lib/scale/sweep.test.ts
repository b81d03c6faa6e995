import { describe, expect, test } from 'bun:test';
import { coversExactly } from './consumer-process.ts';
import type { CpuUse } from './cpu.ts';
import { type FillResult, type SweepPoint, consumersFor, scalingNotes } from './sweep.ts';

describe('the consumer counts of a sweep over P partitions', () => {
  test('are by default 1, 2, 3, P and P + 1 (one member too many: it must sit idle)', () => {
    expect({ p6: consumersFor(6), p3: consumersFor(3), p1: consumersFor(1) }).toEqual({
      p6: [1, 2, 3, 6, 7],
      p3: [1, 2, 3, 4],
      p1: [1, 2],
    });
  });

  test('are every count from 1 to P + 1 in a full sweep, and never more than P + 1 when given', () => {
    expect({ full: consumersFor(3, { full: true }), given: consumersFor(3, { consumers: [8, 2, 2, 4] }) }).toEqual({
      full: [1, 2, 3, 4],
      given: [2, 4],
    });
  });
});

describe("a settled group's assignment", () => {
  test('holds every partition exactly once', () => {
    expect({
      settled: coversExactly([[0, 2], [1, 3], []], 4),
      hole: coversExactly([[0, 1], [3]], 4),
      twice: coversExactly(
        [
          [0, 1],
          [1, 2, 3],
        ],
        4,
      ),
      foreign: coversExactly([[0, 1, 2, 3, 4]], 4),
    }).toEqual({ settled: true, hole: false, twice: false, foreign: false });
  });
});

const cpu = (consumers: number, perConsumer: number, broker: number): CpuUse[] => [
  ...Array.from({ length: consumers }, (_, i) => ({
    process: `consumer-${i + 1}`,
    kind: 'consumer' as const,
    pid: 100 + i,
    cpu_s: perConsumer * 40,
    per_1000_events: perConsumer,
  })),
  { process: 'broker-1', kind: 'broker', pid: 99, cpu_s: broker * 40, per_1000_events: broker },
  { process: 'lab', kind: 'lab', pid: 98, cpu_s: 0.1, per_1000_events: 0.0025 },
];

/** A sweep point on 1 broker, 6 partitions, batch 500, with what matters to the notes set. */
function point(
  consumers: number,
  records_per_s: number,
  busy_share: number,
  idle_members = 0,
  other_s = 0.1,
): SweepPoint {
  return {
    brokers: 1,
    partitions: 6,
    consumers,
    batch: 500,
    events: 40_000,
    group: `g${consumers}`,
    ready_ms: 500,
    first_assignment_ms: 700,
    settled_ms: 1_500,
    drain_ms: (40_000 / records_per_s) * 1000,
    records_per_s,
    records: 40_000,
    bad: 0,
    idle_members,
    members: [],
    lag: [],
    // each consumer has a fixed overhead: the more of them, the more CPU per event in all
    cpu: cpu(consumers, (0.06 + 0.004 * consumers) / consumers, 0.01),
    // 2 s measured: at 2 consumers their 2.72 CPU-s are 1.36 cores, the broker's 0.4 CPU-s 0.2
    machine: { cores: 2, wall_s: 2, busy_s: 4 * busy_share, busy_share, other_s },
  };
}

const fill = (brokers: number, records_per_s: number, broker: number): FillResult => ({
  brokers,
  partitions: 6,
  topic: 't',
  events: 40_000,
  acked: 40_000,
  failed: 0,
  ms: (40_000 / records_per_s) * 1000,
  records_per_s,
  cpu: [{ process: 'broker-1', kind: 'broker', pid: 1, cpu_s: broker * 40, per_1000_events: broker }],
  machine: { cores: 2, wall_s: 1, busy_s: 2, busy_share: 1, other_s: 0 },
});

describe('the notes of a sweep', () => {
  test('say where throughput stopped growing, how busy the cores were from there, and which member sat idle', () => {
    const points = [
      point(1, 10_000, 0.55),
      point(2, 17_000, 0.97),
      point(3, 17_500, 0.99),
      point(6, 17_200, 0.98),
      point(7, 17_100, 0.98, 1),
    ];
    expect(scalingNotes(points, [fill(1, 30_000, 0.02), fill(3, 6_000, 0.09)])).toEqual([
      '1 broker, 6 partitions, batch 500: throughput stops growing at 2 consumers, 17,000 records/s (×1.7 over 1 ' +
        "consumer); the best point, 3 consumers, made 17,500. There the machine's 2 cores were 97% busy (consumers " +
        '1.36 cores, broker 0.20, the lab 0.05, other processes 0.05). With 3–7 consumers, throughput was ' +
        "17,100–17,500 records/s while the cores were 98%–99% busy and the consumers' CPU per 1,000 events rose from " +
        '0.068 s to 0.088 s: more consumers add only their own overhead, on cores that are full: the CPU is the limit.',
      '1 broker, 6 partitions, batch 500, 7 consumers: 1 of them held no partition and read nothing (6 partitions: a ' +
        'group reads a partition with one member at most).',
      'producer, 6 partitions: 30,000 records/s on 1 broker, 6,000 on 3 (5.0× slower): with replication every record ' +
        'is written 3 times on the same cores; the brokers used 0.020 vs 0.090 CPU-s per 1,000 records.',
    ]);
  });

  test('say so when the cores were not saturated where throughput stopped growing', () => {
    const [first] = scalingNotes([point(1, 8_000, 0.5), point(2, 11_000, 0.6), point(3, 11_000, 0.6)]);
    expect(first).toEndWith(
      'the cores were not saturated, so the limit is elsewhere (fetch and commit round trips, partitions).',
    );
  });

  test('warn when processes outside the run used the CPU', () => {
    const [first] = scalingNotes([point(1, 8_000, 0.9), point(2, 11_000, 1, 0, 1.5)]);
    expect(first).toEndWith(
      'Caution: processes outside this run used up to 0.75 cores during 2 consumers: the machine was not quiet.',
    );
  });
});
