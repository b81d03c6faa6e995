// The ground truth of every window: what a correct windowed operator must output for a given input,
// computed the slow, obvious way from all the events at once. It is the oracle the live operator is
// checked against, so it shares none of its code: only the window assignment and the aggregate fold.
// Semantics are Kafka Streams' per-partition stream time with a bounded-disorder watermark: on each
// partition, in offset order, the watermark before an event is (latest event time seen so far − boundMs),
// and an event is left out of a window once that window's end + latenessMs is at or below it. Pure.
import type { Transaction } from '../schema.ts';
import { type Aggregate, addEvent, emptyAggregate } from './aggregate.ts';
import { type Window, type WindowSpec, checkSpec, windowsFor } from './assign.ts';
import { eventTime } from './event-time.ts';

export type ExpectedOptions = {
  spec: WindowSpec;
  /** what a window groups by, e.g. the customer */
  key: (e: Transaction) => string;
  /** (event, window) pairs to leave out whatever the watermark says: those an operator reported closed without them */
  exclude?: (e: Transaction, w: Window) => boolean;
  /** how far event time may go back on a partition: the watermark is stream time − boundMs */
  boundMs: number;
  /** how long after the watermark passes a window's end it still takes events */
  latenessMs: number;
};

/** One window of one key, over every partition (aggregates of the same key and window add up). */
export type WindowResult = { window: Window; key: string; aggregate: Aggregate };

/** An event too late for every window it belongs to, and by how much. */
export type LateEvent = {
  transaction_id: string;
  partition: number;
  eventMs: number;
  /** the partition's watermark when the event came */
  watermarkMs: number;
  /** watermarkMs − eventMs */
  latenessMs: number;
};

export type Expected = {
  /** keyed by `${window.start}|${key}` (see windowKey) */
  windows: Map<string, WindowResult>;
  /** partition by partition (in the Map's order), each in offset order */
  late: LateEvent[];
};

export const windowKey = (window: Window, key: string) => `${window.start}|${key}`;

export function checkLateness(who: string, o: { boundMs: number; latenessMs: number }) {
  for (const name of ['boundMs', 'latenessMs'] as const) {
    const v = o[name];
    if (!(Number.isFinite(v) && v >= 0)) throw new Error(`${who}: ${name} must be a finite number of ms ≥ 0, got ${v}`);
  }
}

/** Every window's expected aggregate and every late event, from each partition's events in offset order. */
export function expectedWindows(partitions: Map<number, readonly Transaction[]>, o: ExpectedOptions): Expected {
  checkSpec(o.spec);
  checkLateness('expectedWindows', o);
  const windows = new Map<string, WindowResult>();
  const late: LateEvent[] = [];
  for (const [partition, events] of partitions) {
    let streamTime = Number.NEGATIVE_INFINITY;
    for (const e of events) {
      const t = eventTime(e);
      if (Number.isNaN(t)) throw new Error(`expectedWindows: unreadable timestamp ${e.timestamp}`);
      const watermark = streamTime - o.boundMs;
      const key = o.key(e);
      let counted = 0;
      for (const w of windowsFor(o.spec, t)) {
        if (w.end + o.latenessMs <= watermark) continue;
        if (o.exclude?.(e, w)) continue;
        counted++;
        const id = windowKey(w, key);
        let result = windows.get(id);
        if (!result) {
          result = { window: w, key, aggregate: emptyAggregate() };
          windows.set(id, result);
        }
        addEvent(result.aggregate, e);
      }
      if (counted === 0) {
        late.push({
          transaction_id: e.transaction_id,
          partition,
          eventMs: t,
          watermarkMs: watermark,
          latenessMs: watermark - t,
        });
      }
      streamTime = Math.max(streamTime, t);
    }
  }
  return { windows, late };
}
