// A producer's sends as a broker-failure timeline needs them: each partition's send() with when it began
// and ended, its records' due times (when the generator scheduled them), and whether Kafka acknowledged
// it. From it, per sample window: records acked and failed, send() → ack and due → ack latency, what is
// still in flight and for how long; and over a phase, the longest stretch without an acknowledgement (the
// producer's stall). Times are ms on the caller's clock. Pure: `logSends` wraps a producer the caller made.
import type { Producer } from 'kafkajs';
import { percentiles } from '../percentiles.ts';

export type Send = {
  partition: number;
  /** each record's due time */
  due: readonly number[];
  start: number;
  end?: number;
  ok?: boolean;
};

export type Spread = { p50: number; p99: number; max: number };

export type SendWindow = {
  /** records in sends acknowledged in the window */
  acked: number;
  /** records in sends that failed in the window */
  failed: number;
  /** send() → acknowledgement of the records acked in the window (null: none) */
  send_ack_ms: Spread | null;
  /** due → acknowledgement: the send's latency plus the time the record waited to be sent */
  due_ack_ms: Spread | null;
  /** records in sends begun by the window's end and not ended by then */
  pending: number;
  /** how long the oldest of those has been in flight (0: none) */
  oldest_pending_ms: number;
};

/** a stretch of time: [from_ms, to_ms], ms long */
export type Gap = { from_ms: number; to_ms: number; ms: number };

const spread = (values: number[]): Spread | null => {
  if (values.length === 0) return null;
  const p = percentiles(values);
  return { p50: p.p50, p99: p.p99, max: p.max };
};

export class SendLog {
  private readonly open = new Set<Send>();
  /** in the order they ended */
  private readonly ended: Send[] = [];
  /** records in ended[0..i], acked or failed */
  private readonly settled: number[] = [];

  begin(partition: number, due: readonly number[], at: number): Send {
    const s: Send = { partition, due, start: at };
    this.open.add(s);
    return s;
  }

  end(s: Send, at: number, ok: boolean) {
    s.end = at;
    s.ok = ok;
    this.open.delete(s);
    this.ended.push(s);
    this.settled.push((this.settled.at(-1) ?? 0) + s.due.length);
  }

  /** Records in sends that ended, acknowledged or failed, at or before `t`. */
  settledBy(t: number): number {
    const i = this.firstEndedAfter(t);
    return i === 0 ? 0 : this.settled[i - 1]!;
  }

  /** The sends that ended in (from, to] and those in flight at `to`. */
  window(from: number, to: number): SendWindow {
    let acked = 0;
    let failed = 0;
    const sendAck: number[] = [];
    const dueAck: number[] = [];
    for (let i = this.firstEndedAfter(from); i < this.ended.length; i++) {
      const s = this.ended[i]!;
      if (s.end! > to) break;
      if (!s.ok) {
        failed += s.due.length;
        continue;
      }
      acked += s.due.length;
      for (const d of s.due) {
        sendAck.push(s.end! - s.start);
        dueAck.push(s.end! - d);
      }
    }
    let pending = 0;
    let oldest = to;
    const inFlight = (s: Send) => {
      if (s.start > to) return;
      pending += s.due.length;
      oldest = Math.min(oldest, s.start);
    };
    for (const s of this.open) inFlight(s);
    for (let i = this.firstEndedAfter(to); i < this.ended.length; i++) inFlight(this.ended[i]!);
    return {
      acked,
      failed,
      send_ack_ms: spread(sendAck),
      due_ack_ms: spread(dueAck),
      pending,
      oldest_pending_ms: to - oldest,
    };
  }

  /** The longest stretch of [from, to] in which no send was acknowledged. */
  longestAckGap(from: number, to: number): Gap {
    let best: Gap = { from_ms: from, to_ms: from, ms: 0 };
    let last = from;
    const consider = (t: number) => {
      if (t - last > best.ms) best = { from_ms: last, to_ms: t, ms: t - last };
      last = t;
    };
    for (let i = this.firstEndedAfter(from); i < this.ended.length; i++) {
      const s = this.ended[i]!;
      if (s.end! > to) break;
      if (s.ok) consider(s.end!);
    }
    consider(to);
    return best;
  }

  /** Records acknowledged in (from, to] by sends begun after `begunAfter`. */
  ackedIn(from: number, to: number, begunAfter = Number.NEGATIVE_INFINITY): number {
    let n = 0;
    for (let i = this.firstEndedAfter(from); i < this.ended.length; i++) {
      const s = this.ended[i]!;
      if (s.end! > to) break;
      if (s.ok && s.start > begunAfter) n += s.due.length;
    }
    return n;
  }

  /** When, after `from`, a send was first acknowledged that held a record due at or after `due` (undefined: not yet). */
  firstAckDueAfter(due: number, from: number): number | undefined {
    for (let i = this.firstEndedAfter(from); i < this.ended.length; i++) {
      const s = this.ended[i]!;
      if (s.ok && s.due.some((d) => d >= due)) return s.end;
    }
    return undefined;
  }

  /** index of the first send that ended after `t` (ends are in call order, so ascending) */
  private firstEndedAfter(t: number): number {
    let lo = 0;
    let hi = this.ended.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ended[mid]!.end! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * `producer` with its sends to `topic` logged: one partition per send (lib/send.ts), each record's due
 * time its message timestamp (lib/produce.ts stamps the scheduled time, ms since the epoch) − `epochMs`.
 */
export function logSends(producer: Producer, topic: string, log: SendLog, at: () => number, epochMs: number): Producer {
  return {
    ...producer,
    async send(r) {
      if (r.topic !== topic) return producer.send(r);
      const now = at();
      const due = r.messages.map((m) => (m.timestamp === undefined ? now : Number(m.timestamp) - epochMs));
      const s = log.begin(r.messages[0]?.partition ?? -1, due, now);
      try {
        const meta = await producer.send(r);
        log.end(s, at(), true);
        return meta;
      } catch (e) {
        log.end(s, at(), false);
        throw e;
      }
    },
  };
}
