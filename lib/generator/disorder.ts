// Out-of-order and late events, on purpose: the generator yields events in event-time order, real
// producers do not. `disorder` delays each event by a seeded amount (most within a bound, a share far
// beyond it) and re-sorts them by the new send time, keeping the delay and its intent beside each event
// as ground truth. `withIdlePartition` silences one partition for a while, to stall its watermark.
// Pure and lazy: works on endless streams with a buffer bounded by the largest delay.
import { partitionFor } from '../partitioner.ts';
import { seededRng } from '../random.ts';
import type { Scheduled } from './index.ts';

export type DisorderOptions = {
  seed: number;
  /** every on-time event is delayed by uniform [0, boundMs) — bounded disorder */
  boundMs: number;
  /** share of events in [0, 0.5] made late: delayed by boundMs + lateByMs + uniform [0, lateSpreadMs) */
  lateShare: number;
  lateByMs: number;
  lateSpreadMs: number;
};

/**
 * An event as sent: `timeMs` is its send time (the original time + `delayMs`), `eventMs` its event time
 * (its timestamp, unchanged). `delayedLate` says it was given a late delay; whether it is actually late
 * is for the watermark to decide.
 */
export type Disordered = Scheduled & { eventMs: number; delayMs: number; delayedLate: boolean };

/** Mixed into the seed so the delays are not the same draws as the generator's own with that seed. */
const DELAY_STREAM = 0x0de1_a7ed;

export function checkDisorderOptions(o: DisorderOptions): DisorderOptions {
  const fail = (name: string, rule: string, v: number) => {
    throw new Error(`disorder: ${name} must be ${rule}, got ${v}`);
  };
  if (!Number.isSafeInteger(o.seed)) fail('seed', 'a whole number', o.seed);
  for (const name of ['boundMs', 'lateByMs', 'lateSpreadMs'] as const) {
    const v = o[name];
    if (!(Number.isFinite(v) && v >= 0)) fail(name, 'a finite number of ms ≥ 0', v);
  }
  if (!(o.lateShare >= 0 && o.lateShare <= 0.5)) fail('lateShare', 'in [0, 0.5]', o.lateShare);
  return o;
}

/**
 * The items of `source` (in `timeMs` order) each delayed by a seeded amount, in order of their new
 * `timeMs` (ties in input order). The same seed and source give the same output. An item is released
 * once the source has reached its new send time (nothing after can be sent earlier), and the rest when
 * the source ends.
 */
export function* disorder(source: Iterable<Scheduled>, o: DisorderOptions): Generator<Disordered> {
  checkDisorderOptions(o);
  const rng = seededRng(o.seed ^ DELAY_STREAM);
  const buffer = new SendQueue();
  let seq = 0;
  let previousMs = Number.NEGATIVE_INFINITY;
  for (const item of source) {
    if (!(item.timeMs >= previousMs))
      throw new Error(`disorder: the source must be in timeMs order, got ${item.timeMs} after ${previousMs}`);
    previousMs = item.timeMs;
    while (buffer.size > 0 && buffer.peek().timeMs <= item.timeMs) yield buffer.pop();
    // two draws per item whatever the options, so changing lateShare does not reshuffle every other delay
    const delayedLate = rng() < o.lateShare;
    const u = rng();
    const delayMs = delayedLate ? o.boundMs + o.lateByMs + u * o.lateSpreadMs : u * o.boundMs;
    const eventMs = Date.parse(item.event.timestamp);
    if (Number.isNaN(eventMs)) throw new Error(`disorder: unreadable timestamp ${item.event.timestamp}`);
    buffer.push({ ...item, timeMs: item.timeMs + delayMs, eventMs, delayMs, delayedLate }, seq++);
  }
  while (buffer.size > 0) yield buffer.pop();
}

export type IdlePartition = {
  partitions: number;
  /** the partition left idle */
  partition: number;
  /** event times [fromMs, toMs) during which it gets nothing */
  fromMs: number;
  toMs: number;
};

/**
 * `source` without the items keyed (by customer_id, as the producer keys them) to `partition` whose
 * event time is in [fromMs, toMs): that partition receives nothing for that while.
 */
export function* withIdlePartition<T extends Scheduled>(source: Iterable<T>, o: IdlePartition): Generator<T> {
  if (!(Number.isSafeInteger(o.partitions) && o.partitions > 0))
    throw new Error(`withIdlePartition: partitions must be a whole number > 0, got ${o.partitions}`);
  if (!(Number.isSafeInteger(o.partition) && o.partition >= 0 && o.partition < o.partitions))
    throw new Error(`withIdlePartition: partition must be in [0, ${o.partitions}), got ${o.partition}`);
  if (!(o.fromMs <= o.toMs))
    throw new Error(`withIdlePartition: fromMs (${o.fromMs}) must not be after toMs (${o.toMs})`);
  for (const item of source) {
    const t = Date.parse(item.event.timestamp);
    const idle = t >= o.fromMs && t < o.toMs && partitionFor(item.event.customer_id, o.partitions) === o.partition;
    if (!idle) yield item;
  }
}

/** A binary min-heap on (timeMs, input sequence): the delayed items not yet sent. */
class SendQueue {
  private readonly heap: { item: Disordered; seq: number }[] = [];

  get size() {
    return this.heap.length;
  }

  peek(): Disordered {
    return this.heap[0]!.item;
  }

  push(item: Disordered, seq: number) {
    const h = this.heap;
    h.push({ item, seq });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  pop(): Disordered {
    const h = this.heap;
    const top = h[0]!.item;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let least = i;
        if (l < h.length && this.before(l, least)) least = l;
        if (r < h.length && this.before(r, least)) least = r;
        if (least === i) break;
        [h[i], h[least]] = [h[least]!, h[i]!];
        i = least;
      }
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.item.timeMs < y.item.timeMs || (x.item.timeMs === y.item.timeMs && x.seq < y.seq);
  }
}
