// Session windows, the ground truth: per key, the runs of activity separated by at least `gapMs` of
// silence, computed offline over one partition's events in offset order with the same watermark as the
// fixed windows (stream time − boundMs). An out-of-order event can bridge two sessions into one; an
// event that would start a session already closed, or change one already closed, is late instead.
// Brute force on purpose (every session of the key is looked at for every event): it is an oracle. Pure.
import type { Transaction } from '../schema.ts';
import { type Aggregate, addEvent, emptyAggregate, mergeAggregate } from './aggregate.ts';
import { eventTime } from './event-time.ts';
import { type LateEvent, checkLateness } from './expected.ts';

export type SessionOptions = {
  /** events of a key less than gapMs apart are in the same session */
  gapMs: number;
  /** how far event time may go back on the partition: the watermark is stream time − boundMs */
  boundMs: number;
  /** how long after the watermark passes a session's end it still takes events */
  latenessMs: number;
  key: (e: Transaction) => string;
  /** the partition the events came from, as reported in `late` (0 unless given) */
  partition?: number;
};

export type Session = {
  key: string;
  /** the first event's time */
  start: number;
  /** the last event's time + gapMs: the session is over once the key is silent until then */
  end: number;
  aggregate: Aggregate;
};

export type Sessions = {
  /** sorted by key, then start */
  sessions: Session[];
  /** in offset order */
  late: LateEvent[];
};

type Open = { first: number; last: number; aggregate: Aggregate };

/** The sessions of every key in one partition's events (in offset order), and the events too late for them. */
export function sessionize(events: readonly Transaction[], o: SessionOptions): Sessions {
  if (!(Number.isFinite(o.gapMs) && o.gapMs > 0))
    throw new Error(`sessionize: gapMs must be a finite number of ms > 0, got ${o.gapMs}`);
  checkLateness('sessionize', o);
  const partition = o.partition ?? 0;
  const byKey = new Map<string, Open[]>();
  const late: LateEvent[] = [];
  let streamTime = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    const t = eventTime(e);
    if (Number.isNaN(t)) throw new Error(`sessionize: unreadable timestamp ${e.timestamp}`);
    const watermark = streamTime - o.boundMs;
    const closed = (last: number) => last + o.gapMs + o.latenessMs <= watermark;
    const key = o.key(e);
    const sessions = byKey.get(key) ?? [];
    byKey.set(key, sessions);
    // the sessions this event falls in or within the gap of: it joins them all into one
    const touched = sessions.filter((s) => t > s.first - o.gapMs && t < s.last + o.gapMs);
    if (touched.length === 0 ? closed(t) : touched.some((s) => closed(s.last))) {
      late.push({
        transaction_id: e.transaction_id,
        partition,
        eventMs: t,
        watermarkMs: watermark,
        latenessMs: watermark - t,
      });
    } else {
      const joined: Open = { first: t, last: t, aggregate: addEvent(emptyAggregate(), e) };
      for (const s of touched) {
        joined.first = Math.min(joined.first, s.first);
        joined.last = Math.max(joined.last, s.last);
        mergeAggregate(joined.aggregate, s.aggregate);
        sessions.splice(sessions.indexOf(s), 1);
      }
      sessions.push(joined);
    }
    streamTime = Math.max(streamTime, t);
  }
  const out: Session[] = [];
  for (const [key, sessions] of byKey)
    for (const s of sessions) out.push({ key, start: s.first, end: s.last + o.gapMs, aggregate: s.aggregate });
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.start - b.start));
  return { sessions: out, late };
}
