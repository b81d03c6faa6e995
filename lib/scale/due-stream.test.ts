import { describe, expect, test } from 'bun:test';
import type { Scheduled } from '../generator/index.ts';
import { DueStream } from './due-stream.ts';

/** events due at the given times, told apart by transaction_id */
const events = (...times: number[]) =>
  times.map((timeMs, i) => ({ timeMs, event: { transaction_id: `t${i}` } }) as unknown as Scheduled);
const ids = (xs: readonly Scheduled[]) => xs.map((s) => s.event.transaction_id);

describe('a stream counted ahead of its consumer', () => {
  test('counts the events due by a time, whether or not they were taken', () => {
    const s = new DueStream(events(10, 20, 20, 30, 40).values());
    s.next();
    expect({ by5: s.dueBy(5), by20: s.dueBy(20), by35: s.dueBy(35), by99: s.dueBy(99) }).toEqual({
      by5: 0,
      by20: 3,
      by35: 4,
      by99: 5,
    });
  });

  test('hands out every event once, in order, counted or not, and remembers what it handed', () => {
    const s = new DueStream(events(10, 20, 30).values());
    const first = s.next().value as Scheduled;
    s.dueBy(30);
    const rest = [s.next(), s.next(), s.next()];
    expect({
      first: first.event.transaction_id,
      rest: rest.map((r) => (r.done ? 'done' : r.value.event.transaction_id)),
      handed: ids(s.handed()),
    }).toEqual({ first: 't0', rest: ['t1', 't2', 'done'], handed: ['t0', 't1', 't2'] });
  });
});
