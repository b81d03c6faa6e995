// What a sink has done, counted as it goes: messages, rows inserted, duplicates, rejects by reason,
// retries, rows per database write, and where the time went (decode, database, DLQ, offset commit).
// A sink process sends a snapshot to its parent (lab 03) every half second.
import { z } from 'zod';

/**
 * Why a message went to the dead-letter topic: it could not be decoded (the first three), or its
 * transaction id is stored already with another customer or another payload (`conflict`).
 */
export const REJECT_REASONS = ['oversized', 'malformed_json', 'schema_violation', 'conflict'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

const SAMPLE_CAP = 20_000;

export const SinkSnapshot = z.object({
  id: z.string(),
  messages: z.number().int(),
  rows_inserted: z.number().int(),
  duplicates: z.number().int(),
  dlq: z.record(z.enum(REJECT_REASONS), z.number().int()),
  db_writes: z.number().int(),
  retries: z.number().int(),
  offsets_committed: z.number().int(),
  /** rows per database write (the first 20k writes) */
  write_rows: z.array(z.number().int()),
  /** ms per database write (the first 20k writes) */
  write_ms: z.array(z.number()),
  /** total ms spent per stage */
  time_ms: z.object({ decode: z.number(), db: z.number(), dlq: z.number(), commit: z.number() }),
});
export type SinkSnapshot = z.infer<typeof SinkSnapshot>;

export class SinkCounters {
  messages = 0;
  rowsInserted = 0;
  duplicates = 0;
  dbWrites = 0;
  retries = 0;
  offsetsCommitted = 0;
  readonly dlq: Record<RejectReason, number> = { oversized: 0, malformed_json: 0, schema_violation: 0, conflict: 0 };
  readonly writeRows: number[] = [];
  readonly writeMs: number[] = [];
  readonly timeMs = { decode: 0, db: 0, dlq: 0, commit: 0 };

  constructor(readonly id: string) {}

  recordWrite(w: { rows: number; inserted: number; duplicates: number; dbMs: number }) {
    const { rows, dbMs: ms } = w;
    this.dbWrites++;
    this.rowsInserted += w.inserted;
    this.duplicates += w.duplicates;
    this.timeMs.db += ms;
    if (this.writeRows.length < SAMPLE_CAP) {
      this.writeRows.push(rows);
      this.writeMs.push(Math.round(ms * 1000) / 1000);
    }
  }

  /** The counters; with `samples`, also the per-write samples (sent once, at the end: they are large). */
  snapshot(samples = false): SinkSnapshot {
    return {
      id: this.id,
      messages: this.messages,
      rows_inserted: this.rowsInserted,
      duplicates: this.duplicates,
      dlq: { ...this.dlq },
      db_writes: this.dbWrites,
      retries: this.retries,
      offsets_committed: this.offsetsCommitted,
      write_rows: samples ? [...this.writeRows] : [],
      write_ms: samples ? [...this.writeMs] : [],
      time_ms: { ...this.timeMs },
    };
  }
}

/** Several sinks' snapshots as one (sums, and samples concatenated). */
export function mergeSnapshots(snaps: readonly SinkSnapshot[]): Omit<SinkSnapshot, 'id'> {
  const sum = (f: (s: SinkSnapshot) => number) => snaps.reduce((a, s) => a + f(s), 0);
  return {
    messages: sum((s) => s.messages),
    rows_inserted: sum((s) => s.rows_inserted),
    duplicates: sum((s) => s.duplicates),
    dlq: Object.fromEntries(REJECT_REASONS.map((r) => [r, sum((s) => s.dlq[r] ?? 0)])) as SinkSnapshot['dlq'],
    db_writes: sum((s) => s.db_writes),
    retries: sum((s) => s.retries),
    offsets_committed: sum((s) => s.offsets_committed),
    write_rows: snaps.flatMap((s) => s.write_rows),
    write_ms: snaps.flatMap((s) => s.write_ms),
    time_ms: {
      decode: sum((s) => s.time_ms.decode),
      db: sum((s) => s.time_ms.db),
      dlq: sum((s) => s.time_ms.dlq),
      commit: sum((s) => s.time_ms.commit),
    },
  };
}
