// When the live events really left the producer, against when they were scheduled. The generator's
// clock (the scheduled times, also the records' timestamps on the topic) is a Poisson process; what
// reaches the broker is requests: the pacing loop sends the events that are due together, one send()
// per partition, so the events of one request arrive at the same moment and a request can wait behind
// the partition's previous one. Pure.
import type { SendTime } from '../../lib/produce.ts';

export type Arrivals = {
  /** gaps between consecutive scheduled times, seconds */
  scheduledGaps: number[];
  /** gaps between the send moments of consecutive events (ordered by send moment), seconds; 0 within one request */
  sendGaps: number[];
  /** per event, send moment − scheduled time, ms */
  delays: number[];
  /** distinct requests (send moments) */
  requests: number;
};

export function arrivals(times: readonly SendTime[]): Arrivals {
  const byDue = [...times].sort((a, b) => a.dueMs - b.dueMs);
  const bySent = [...times].sort((a, b) => a.sentMs - b.sentMs || a.dueMs - b.dueMs);
  const gaps = (xs: number[]) => xs.slice(1).map((x, i) => (x - xs[i]!) / 1000);
  return {
    scheduledGaps: gaps(byDue.map((t) => t.dueMs)),
    sendGaps: gaps(bySent.map((t) => t.sentMs)),
    delays: times.map((t) => t.sentMs - t.dueMs),
    requests: new Set(times.map((t) => t.sentMs)).size,
  };
}
