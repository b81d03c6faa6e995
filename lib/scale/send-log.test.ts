import { describe, expect, test } from 'bun:test';
import { SendLog } from './send-log.ts';

/** a log of sends: [partition, records due at, start, end, ok] */
function logOf(sends: [number, number[], number, number | undefined, boolean][]): SendLog {
  const log = new SendLog();
  const open = sends.map(([partition, due, start]) => log.begin(partition, due, start));
  sends
    .map((x, i) => ({ end: x[3], ok: x[4], s: open[i]! }))
    .filter((x) => x.end !== undefined)
    .sort((a, b) => a.end! - b.end!)
    .forEach((x) => log.end(x.s, x.end!, x.ok));
  return log;
}

describe('send log', () => {
  describe('a sample window', () => {
    test('counts the records of sends that ended in it, with their send→ack and due→ack latency', () => {
      const log = logOf([
        [0, [90, 95], 100, 110, true],
        [1, [100], 105, 140, true],
        [2, [100, 100, 100], 120, 150, false],
        [0, [200], 210, 260, true], // after the window
      ]);
      expect(log.window(100, 200)).toEqual({
        acked: 3,
        failed: 3,
        send_ack_ms: { p50: 10, p99: 35, max: 35 },
        due_ack_ms: { p50: 20, p99: 40, max: 40 },
        pending: 0,
        oldest_pending_ms: 0,
      });
    });

    test('reports the sends still in flight at its end, and how long the oldest has waited', () => {
      const log = logOf([
        [0, [0, 0], 1_000, undefined, false],
        [1, [0], 3_000, 12_000, true], // in flight at 10 000, ended later
        [2, [0], 11_000, undefined, false], // begun after the window
      ]);
      expect(log.window(9_750, 10_000)).toEqual({
        acked: 0,
        failed: 0,
        send_ack_ms: null,
        due_ack_ms: null,
        pending: 3,
        oldest_pending_ms: 9_000,
      });
    });
  });

  describe('the longest stretch without an acknowledgement', () => {
    test('runs from the kill to the first ack after it, when the producer stalled', () => {
      const log = logOf([
        [0, [0], 4_900, 5_010, true], // in flight at the kill, acked
        [1, [0], 5_000, 14_000, true], // the stall
        [2, [0], 5_100, 9_000, false], // a failure is not an ack
        [0, [0], 14_000, 14_020, true],
      ]);
      expect(log.longestAckGap(5_000, 16_000)).toEqual({ from_ms: 5_010, to_ms: 14_000, ms: 8_990 });
    });

    test('runs to the end of the stretch when no ack came after the last', () => {
      const log = logOf([[0, [0], 4_900, 5_010, true]]);
      expect(log.longestAckGap(5_000, 20_000)).toEqual({ from_ms: 5_010, to_ms: 20_000, ms: 14_990 });
    });

    test('with no ack at all is the whole stretch', () => {
      expect(logOf([]).longestAckGap(1_000, 4_000)).toEqual({ from_ms: 1_000, to_ms: 4_000, ms: 3_000 });
    });
  });

  describe('catching up after a stall', () => {
    const log = logOf([
      [0, [1_000, 1_100], 1_000, 9_000, true], // the stall
      [1, [1_200], 1_200, 9_000, false],
      [0, [2_000, 9_500], 9_500, 9_600, true], // the backlog and a fresh record
      [1, [9_700], 9_700, 9_750, true],
    ]);

    test('counts every record settled, acknowledged or failed, by a time', () => {
      expect([log.settledBy(8_999), log.settledBy(9_000), log.settledBy(9_600), log.settledBy(10_000)]).toEqual([
        0, 3, 5, 6,
      ]);
    });

    test('counts the records acknowledged in a stretch, or only those of sends begun after a time', () => {
      expect({ all: log.ackedIn(0, 10_000), sentAfterTheStall: log.ackedIn(0, 10_000, 9_000) }).toEqual({
        all: 5,
        sentAfterTheStall: 3,
      });
    });

    test('finds the first acknowledgement of a record due after a time: the producer is current again', () => {
      expect({
        fresh: log.firstAckDueAfter(9_000, 0),
        later: log.firstAckDueAfter(9_700, 9_600),
        never: log.firstAckDueAfter(20_000, 0),
      }).toEqual({ fresh: 9_600, later: 9_750, never: undefined });
    });
  });
});
