import { describe, expect, test } from 'bun:test';
import type { SinkSnapshot } from '../../lib/sink/counters.ts';
import { countersSince } from './backlog.ts';

const snapshot = (o: Partial<SinkSnapshot> = {}): SinkSnapshot => ({
  id: 'sink-1',
  messages: 0,
  rows_inserted: 0,
  duplicates: 0,
  dlq: { oversized: 0, malformed_json: 0, schema_violation: 0, conflict: 0 },
  db_writes: 0,
  retries: 0,
  offsets_committed: 0,
  write_rows: [],
  write_ms: [],
  time_ms: { decode: 0, db: 0, dlq: 0, commit: 0 },
  ...o,
});

describe("a sink's counters since the backlog was stored", () => {
  test('are every count less the baseline, and only the writes after it', () => {
    const base = snapshot({
      messages: 35_000,
      rows_inserted: 34_990,
      duplicates: 10,
      db_writes: 2,
      offsets_committed: 2,
      time_ms: { decode: 100, db: 2000, dlq: 0, commit: 50 },
    });
    const now = snapshot({
      messages: 65_012,
      rows_inserted: 64_990,
      duplicates: 10,
      dlq: { oversized: 3, malformed_json: 3, schema_violation: 3, conflict: 3 },
      db_writes: 5,
      retries: 1,
      offsets_committed: 5,
      write_rows: [1000, 990, 1000, 1000, 12],
      write_ms: [20, 400, 21, 300, 22],
      time_ms: { decode: 150, db: 3000, dlq: 10, commit: 80 },
    });
    expect(countersSince(now, base)).toEqual(
      snapshot({
        messages: 30_012,
        rows_inserted: 30_000,
        duplicates: 0,
        dlq: { oversized: 3, malformed_json: 3, schema_violation: 3, conflict: 3 },
        db_writes: 3,
        retries: 1,
        offsets_committed: 3,
        write_rows: [1000, 1000, 12],
        write_ms: [21, 300, 22],
        time_ms: { decode: 50, db: 1000, dlq: 10, commit: 30 },
      }),
    );
  });

  test('with no baseline (nothing was pending, or the sink never reported) are its counters', () => {
    const now = snapshot({ messages: 7, rows_inserted: 7, db_writes: 1, write_rows: [7], write_ms: [3] });
    expect(countersSince(now, undefined)).toEqual(now);
  });
});
