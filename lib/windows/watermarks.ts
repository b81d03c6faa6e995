// Watermarks: how far event time has progressed, per partition and for the operator.
//
// A partition's stream time is the largest event time read from it so far (in offset order, so it is
// the same on every replay); its watermark is that minus the disorder bound: "no event older than this
// is still expected". The operator's watermark is the minimum over the partitions it reads, because a
// window is complete only when every partition has passed it. An idle partition (its stream time has
// not advanced for `idleTimeoutMs` of wall-clock time, 0 = never idle) would hold that minimum back
// forever, so it is left out until its stream time moves again: Flink's `withIdleness`, except that a
// trickle of late events (which never move the stream time) does not keep a partition active.
// Wall-clock time is passed in, never read.

export type PartitionClock = {
  /** largest event time read (−Infinity before the first event) */
  streamTime: number;
  /** wall-clock ms of the last event that advanced the stream time, or of the assignment when none yet */
  lastSeenMs: number;
};

export class Watermarks {
  private readonly clocks = new Map<number, PartitionClock>();

  constructor(
    readonly boundMs: number,
    readonly idleTimeoutMs: number,
  ) {
    if (!(boundMs >= 0)) throw new Error(`windows: the disorder bound must be ≥ 0 ms, got ${boundMs}`);
    if (!(idleTimeoutMs >= 0))
      throw new Error(`windows: the idle timeout must be ≥ 0 ms (0: never), got ${idleTimeoutMs}`);
  }

  /** Starts tracking `partition` (a new assignment), with a stream time restored from a commit if known. */
  track(partition: number, nowMs: number, streamTime = Number.NEGATIVE_INFINITY): void {
    const had = this.clocks.get(partition);
    this.clocks.set(partition, { streamTime: Math.max(streamTime, had?.streamTime ?? streamTime), lastSeenMs: nowMs });
  }

  partitions(): number[] {
    return [...this.clocks.keys()].sort((a, b) => a - b);
  }

  streamTime(partition: number): number {
    return this.clock(partition).streamTime;
  }

  /** The partition's watermark: its stream time minus the bound. */
  of(partition: number): number {
    return this.clock(partition).streamTime - this.boundMs;
  }

  /** Records an event read from `partition`. */
  observe(partition: number, eventMs: number, nowMs: number): void {
    const c = this.clock(partition);
    if (eventMs > c.streamTime) {
      c.streamTime = eventMs;
      c.lastSeenMs = nowMs;
    }
  }

  isIdle(partition: number, nowMs: number): boolean {
    return this.idleTimeoutMs > 0 && nowMs - this.clock(partition).lastSeenMs >= this.idleTimeoutMs;
  }

  /** The operator's watermark: the minimum over partitions that are not idle; undefined when all are. */
  combined(nowMs: number): number | undefined {
    let min: number | undefined;
    for (const [p, c] of this.clocks) {
      if (this.isIdle(p, nowMs)) continue;
      const wm = c.streamTime - this.boundMs;
      if (min === undefined || wm < min) min = wm;
    }
    return min;
  }

  private clock(partition: number): PartitionClock {
    const c = this.clocks.get(partition);
    if (!c) throw new Error(`windows: partition ${partition} is not tracked`);
    return c;
  }
}
