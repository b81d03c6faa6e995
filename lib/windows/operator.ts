// The windowed aggregation at the heart of lab 06: events in, final window results and late events out.
// Pure: the consumer (lib/windows/consumer.ts) feeds it records and wall-clock time, and persists what
// it returns. The protocol:
//
// 1. `process(partition, offset, event, now)`: for every view (a window spec and a key) and every window
//    of the event, the pair is LATE when the window's close time (end + allowed lateness) is at or below
//    the watermark of the event's own partition (stream time before this event − disorder bound) — a
//    rule that depends only on that partition's offset order, so it is the same on every replay — or
//    when the window was already emitted (only possible for a partition the idle timeout left out).
//    Other pairs are added to their pane's aggregate. An event late in every window of a view is
//    returned as a late event for that view, with its lateness: nothing is dropped silently.
// 2. `advance(now)`: the operator watermark (min over non-idle partitions) closes every pane whose close
//    time it reached; each is returned once, final, and its state freed. Nothing is emitted early.
// 3. `commits()`, after the caller has persisted what 1 and 2 returned: per partition, the offset to
//    resume from (the first event whose windows are not all emitted) and, as commit metadata, that
//    point's stream time, the emitted frontier and the last offset read. After a crash, `restore()` with
//    that metadata replays from there: the same lateness decisions, windows already emitted skipped,
//    the others rebuilt whole, so the final results are the same as without the crash.
import { type Aggregate, addEvent, emptyAggregate } from './aggregate.ts';
import { type Window, type WindowSpec, checkSpec, windowsFor } from './assign.ts';
import { eventTime } from './event-time.ts';
import type { Transaction } from '../schema.ts';
import { Watermarks } from './watermarks.ts';

export type View = { name: string; spec: WindowSpec; key: (e: Transaction) => string };

/** how far an event's time may run ahead of its Kafka record's timestamp (the sink's rule too) */
export const MAX_AHEAD_MS = 5 * 60_000;

/**
 * The largest amount windowed: 2^20 of them still sum exactly in a double. A larger one (the schema
 * allows up to 2^53 − 1) would make its window's sum overflow at the next event and refuse good events
 * after it; it is refused itself instead.
 */
export const MAX_WINDOW_AMOUNT = Math.floor(Number.MAX_SAFE_INTEGER / 2 ** 20);

export type OperatorOptions = {
  views: readonly View[];
  /** the disorder bound: the watermark trails the stream time by this much */
  boundMs: number;
  /** allowed lateness: a window closes this long after the watermark passes its end */
  latenessMs: number;
  /** wall-clock ms without an event after which a partition stops holding the watermark back; 0: never */
  idleTimeoutMs: number;
};

export type WindowResult = Aggregate & {
  view: string;
  key: string;
  start: number;
  end: number;
  /** the operator watermark that closed it */
  watermarkMs: number;
};

export type LateReason = 'watermark' | 'closed';

export type LateEvent = {
  transaction_id: string;
  /** the event's key in this view (its category, merchant or customer) */
  key: string;
  partition: number;
  offset: number;
  eventMs: number;
  /** the watermark it was judged against (its partition's, or the emitted frontier for 'closed') */
  watermarkMs: number;
  /** how far behind that watermark it was */
  latenessMs: number;
  view: string;
  /** 'watermark': its partition had passed all its windows; 'closed': some were emitted without it */
  reason: LateReason;
  /** the starts of the windows of this view it is left out of */
  windows: number[];
};

export type CommitPoint = { partition: number; offset: number; metadata: string };

/** What a commit carries besides the offset, so a restart judges lateness and emission as before. */
export type CommitMeta = { streamTime: number; frontier: number; lastOffset: number };

type Pane = { view: string; key: string; window: Window; closeAt: number; agg: Aggregate };
type Entry = { offset: number; doneAt: number; streamTimeBefore: number };
type PartitionState = { lastOffset: number; entries: Entry[]; head: number; replay: CommitMeta | undefined };

export class WindowOperator {
  readonly watermarks: Watermarks;
  /** the operator watermark up to which every pane has been emitted */
  private frontierMs = Number.NEGATIVE_INFINITY;
  private readonly panes = new Map<string, Pane>();
  /** open panes by close time, so advance() visits only what closes */
  private readonly byClose = new Map<number, Set<string>>();
  private readonly partitions = new Map<number, PartitionState>();
  readonly counts = { events: 0, late: 0, redelivered: 0, replayedIntoEmitted: 0, emitted: 0 };

  constructor(readonly options: OperatorOptions) {
    if (options.views.length === 0) throw new Error('windows: need at least one view');
    for (const v of options.views) checkSpec(v.spec);
    if (!(options.latenessMs >= 0))
      throw new Error(`windows: allowed lateness must be ≥ 0 ms, got ${options.latenessMs}`);
    this.watermarks = new Watermarks(options.boundMs, options.idleTimeoutMs);
  }

  /** A partition assigned to this operator, resumed from a commit's metadata when there is one. */
  assign(partition: number, nowMs: number, committed?: CommitMeta): void {
    if (this.partitions.has(partition)) return; // kept across a rebalance: its redelivered records are skipped
    this.watermarks.track(partition, nowMs, committed?.streamTime);
    if (committed) this.frontierMs = Math.max(this.frontierMs, committed.frontier);
    this.partitions.set(partition, { lastOffset: -1, entries: [], head: 0, replay: committed });
  }

  /**
   * Why `event` cannot be windowed, or undefined: an event time more than MAX_AHEAD_MS after its Kafka
   * record's timestamp (a clock or a bug in the future would pin its partition's commits and make every
   * later event look late), or an amount that would take a window's sum past what a double holds
   * exactly. Pure and deterministic (the record timestamp, not the wall clock), so a replay decides the
   * same; the caller skips such an event, counted and logged (the sink dead-letters it by its own rules).
   */
  problem(event: Transaction, recordTimestampMs: number): string | undefined {
    const t = eventTime(event);
    if (!Number.isFinite(t)) return `unreadable timestamp ${JSON.stringify(event.timestamp)}`;
    if (Number.isFinite(recordTimestampMs) && t - recordTimestampMs > MAX_AHEAD_MS)
      return `event time ${event.timestamp} is ${Math.round((t - recordTimestampMs) / 1000)} s after its record's timestamp (at most ${MAX_AHEAD_MS / 1000} s)`;
    if (event.amount > MAX_WINDOW_AMOUNT)
      return `amount ${event.amount} is above ${MAX_WINDOW_AMOUNT}: 2^20 such amounts would sum past 2^53 − 1`;
    for (const view of this.options.views) {
      const key = view.key(event);
      for (const window of windowsFor(view.spec, t)) {
        const p = this.panes.get(`${view.name}|${window.start}|${key}`);
        if (p && !Number.isSafeInteger(p.agg.sum + event.amount))
          return `amount ${event.amount} would take the sum of ${view.name} ${key} @ ${window.start} past 2^53 − 1`;
      }
    }
    return undefined;
  }

  /** Step 1: one record of `partition`. Returns its late events (none for most). */
  process(partition: number, offset: number, event: Transaction, nowMs: number): LateEvent[] {
    const ps = this.partitions.get(partition);
    if (!ps) throw new Error(`windows: partition ${partition} is not assigned`);
    if (offset <= ps.lastOffset) {
      this.counts.redelivered++;
      return [];
    }
    const t = eventTime(event);
    const streamTimeBefore = this.watermarks.streamTime(partition);
    const wm = streamTimeBefore - this.options.boundMs;
    // a record read before the crash whose windows were emitted then: already in those results
    const seenBefore = ps.replay !== undefined && offset <= ps.replay.lastOffset;
    const late: LateEvent[] = [];
    let doneAt = Number.NEGATIVE_INFINITY;
    for (const view of this.options.views) {
      let counted = false;
      const behind: number[] = [];
      const closed: number[] = [];
      const key = view.key(event);
      for (const window of windowsFor(view.spec, t)) {
        const closeAt = window.end + this.options.latenessMs;
        if (closeAt <= wm) {
          behind.push(window.start);
          continue;
        }
        if (closeAt <= this.frontierMs) {
          if (seenBefore) {
            counted = true;
            this.counts.replayedIntoEmitted++;
          } else closed.push(window.start);
          continue;
        }
        addEvent(this.pane(view.name, key, window, closeAt).agg, event);
        counted = true;
        if (closeAt > doneAt) doneAt = closeAt;
      }
      if (seenBefore) continue;
      const lateFor = (reason: LateReason, against: number, windows: number[]) =>
        late.push({
          transaction_id: event.transaction_id,
          key,
          partition,
          offset,
          eventMs: t,
          watermarkMs: against,
          latenessMs: against - t,
          view: view.name,
          reason,
          windows,
        });
      // closed windows are reported even when the event counted in a later one: a hopping window
      // must not lose an event without a trace
      if (closed.length > 0) lateFor('closed', this.frontierMs, closed);
      else if (!counted) lateFor('watermark', wm, behind);
    }
    this.watermarks.observe(partition, t, nowMs);
    if (doneAt > Number.NEGATIVE_INFINITY) ps.entries.push({ offset, doneAt, streamTimeBefore });
    ps.lastOffset = offset;
    this.counts.events++;
    this.counts.late += late.length;
    return late;
  }

  /** Step 2: every pane the operator watermark has closed, final, in close-time order. */
  advance(nowMs: number): WindowResult[] {
    const wm = this.watermarks.combined(nowMs);
    if (wm === undefined || wm <= this.frontierMs) return [];
    const out: WindowResult[] = [];
    const closing = [...this.byClose.keys()].filter((c) => c <= wm).sort((a, b) => a - b);
    for (const closeAt of closing) {
      for (const id of this.byClose.get(closeAt)!) {
        const p = this.panes.get(id)!;
        out.push({ view: p.view, key: p.key, start: p.window.start, end: p.window.end, watermarkMs: wm, ...p.agg });
        this.panes.delete(id);
      }
      this.byClose.delete(closeAt);
    }
    this.frontierMs = wm;
    this.counts.emitted += out.length;
    return out;
  }

  /** Step 3: where each partition resumes after a crash, once what 1 and 2 returned is persisted. */
  commits(): CommitPoint[] {
    const out: CommitPoint[] = [];
    for (const [partition, ps] of this.partitions) {
      if (ps.lastOffset < 0) continue; // nothing read since assignment: the existing commit stands
      while (ps.head < ps.entries.length && ps.entries[ps.head]!.doneAt <= this.frontierMs) ps.head++;
      if (ps.head > 1024 && ps.head * 2 > ps.entries.length) {
        ps.entries = ps.entries.slice(ps.head);
        ps.head = 0;
      }
      const first = ps.entries[ps.head];
      const meta: CommitMeta = {
        streamTime: first ? first.streamTimeBefore : this.watermarks.streamTime(partition),
        frontier: this.frontierMs,
        lastOffset: Math.max(ps.lastOffset, ps.replay?.lastOffset ?? -1),
      };
      out.push({ partition, offset: first ? first.offset : ps.lastOffset + 1, metadata: encodeMeta(meta) });
    }
    return out;
  }

  get frontier(): number {
    return this.frontierMs;
  }

  /** panes held open now (the operator's state) */
  get openPanes(): number {
    return this.panes.size;
  }

  private pane(view: string, key: string, window: Window, closeAt: number): Pane {
    const id = `${view}|${window.start}|${key}`;
    let p = this.panes.get(id);
    if (!p) {
      p = { view, key, window, closeAt, agg: emptyAggregate() };
      this.panes.set(id, p);
      let set = this.byClose.get(closeAt);
      if (!set) this.byClose.set(closeAt, (set = new Set()));
      set.add(id);
    }
    return p;
  }
}

/** ±Infinity survive as null in JSON; a commit's metadata is small (Kafka allows 4 KB by default). */
export function encodeMeta(m: CommitMeta): string {
  const n = (x: number) => (Number.isFinite(x) ? x : null);
  return JSON.stringify({ v: 1, st: n(m.streamTime), f: n(m.frontier), n: m.lastOffset });
}

/** The metadata of a commit this operator made, or undefined for anything else (an old or foreign commit). */
export function decodeMeta(s: string | null | undefined): CommitMeta | undefined {
  if (!s) return undefined;
  try {
    const o = JSON.parse(s) as { v?: number; st?: number | null; f?: number | null; n?: number };
    if (o.v !== 1 || typeof o.n !== 'number') return undefined;
    const num = (x: number | null | undefined) => (typeof x === 'number' ? x : Number.NEGATIVE_INFINITY);
    return { streamTime: num(o.st), frontier: num(o.f), lastOffset: o.n };
  } catch {
    return undefined;
  }
}
