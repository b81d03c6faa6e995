import { describe, expect, test } from 'bun:test';
import type { SendTime } from '../../lib/produce.ts';
import { arrivals } from './arrivals.ts';

const sent = (dueMs: number, sentMs: number): SendTime => ({ dueMs, sentMs, ackedMs: sentMs + 3 });

describe('live arrivals', () => {
  describe('when three events due 1 and 2 ms apart go out in two requests', () => {
    // due at 1000, 1001, 1003; the first two sent together at 1001.5, the third at 1003.25; acks came out of order
    const a = arrivals([sent(1003, 1003.25), sent(1000, 1001.5), sent(1001, 1001.5)]);

    test('the scheduled gaps are the generator’s, in time order', () => {
      expect(a.scheduledGaps).toEqual([0.001, 0.002]);
    });
    test('the send gaps are 0 within a request and the time between requests', () => {
      expect(a.sendGaps).toEqual([0, 0.00175]);
      expect(a.requests).toBe(2);
    });
    test('each event’s delay is its send moment after its scheduled time', () => {
      expect(a.delays).toEqual([0.25, 1.5, 0.5]);
    });
  });

  test('no events, no gaps', () => {
    expect(arrivals([])).toEqual({ scheduledGaps: [], sendGaps: [], delays: [], requests: 0 });
  });
});
