// A scheduled event stream that can be counted ahead of its consumer: how many events were due by a time,
// whether or not the producer has taken them yet. A blocked producer stops taking events, so what it took
// says nothing about what it owes; this does: the backlog is what was due and is not yet acknowledged.
// It keeps the events it hands out, in order, for the audit. Pure.
import type { Scheduled } from '../generator/index.ts';

export class DueStream implements Iterator<Scheduled> {
  /** every event pulled from the source, in time order: the first `taken` went to the consumer */
  private readonly pulled: Scheduled[] = [];
  private taken = 0;
  private ended = false;

  constructor(private readonly source: Iterator<Scheduled>) {}

  next(): IteratorResult<Scheduled> {
    if (this.taken === this.pulled.length && !this.pull()) return { done: true, value: undefined };
    return { done: false, value: this.pulled[this.taken++]! };
  }

  /** the events handed out so far, in order */
  handed(): readonly Scheduled[] {
    return this.pulled.slice(0, this.taken);
  }

  /** how many events are scheduled at or before `timeMs` (on the events' clock) */
  dueBy(timeMs: number): number {
    while (!((this.pulled.at(-1)?.timeMs ?? Number.NEGATIVE_INFINITY) > timeMs) && this.pull());
    let lo = 0;
    let hi = this.pulled.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pulled[mid]!.timeMs <= timeMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private pull(): boolean {
    if (this.ended) return false;
    const r = this.source.next();
    if (r.done) this.ended = true;
    else this.pulled.push(r.value);
    return !r.done;
  }
}
