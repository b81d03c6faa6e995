// Lab 05's clock, in seconds: from the lab's start, then from the start of the live stream. Every
// moment the lab records (a worker killed, a review flagged, the analyst's approval) is read from it.
export class LabClock {
  private t0 = Date.now();

  /** seconds since the clock (re)started */
  readonly now = (): number => (Date.now() - this.t0) / 1000;

  /** Starts again from 0; returns the wall-clock start (ms since the epoch). */
  restart(): number {
    this.t0 = Date.now();
    return this.t0;
  }
}
