import { describe, expect, test } from 'bun:test';
import { TransactionGenerator } from '../../lib/generator/index.ts';
import { liveStream, skipToEpisode } from './stream.ts';

const options = { seed: 7, customerCount: 100, merchantCount: 10, fraudRate: 0.1, declinedRate: 0.05, peakFactor: 1 };
const START = Date.parse('2026-01-05T00:00:00.000Z');
const take = <T>(it: Iterator<T>, n: number) => Array.from({ length: n }, () => it.next().value as T);

describe('lab 05 stream', () => {
  test('at speed k, event time runs k times faster than the send schedule, at the asked wall-clock rate', () => {
    const events = take(
      liveStream(new TransactionGenerator(options), START, 20, 30, () => {}),
      4000,
    );
    const last = events.at(-1)!;
    const wallS = (last.timeMs - START) / 1000;
    expect(4000 / wallS).toBeGreaterThan(20 * 0.95);
    expect(4000 / wallS).toBeLessThan(20 * 1.05);
    for (const e of events) expect(Date.parse(e.event.timestamp) - START).toBeCloseTo((e.timeMs - START) * 30, -1);
  });

  test('ids are fresh, labels follow them, and an episode is another stretch of the same population', () => {
    const a = take(
      liveStream(new TransactionGenerator(options), START, 20, 1, () => {}),
      500,
    );
    const b = take(
      liveStream(new TransactionGenerator(options), START, 20, 1, () => {}),
      500,
    );
    expect(a.map((e) => e.event.amount)).toEqual(b.map((e) => e.event.amount)); // same seed, same episode: same content
    expect(new Set([...a, ...b].map((e) => e.event.transaction_id)).size).toBe(1000);
    for (const e of a) if (e.label) expect(e.label.transaction_id).toBe(e.event.transaction_id);
    const other = new TransactionGenerator(options);
    skipToEpisode(other, 3);
    const c = take(
      liveStream(other, START, 20, 1, () => {}),
      500,
    );
    expect(c.map((e) => e.event.amount)).not.toEqual(a.map((e) => e.event.amount));
    expect(other.world.customers).toEqual(new TransactionGenerator(options).world.customers);
  });
});
