import { describe, expect, test } from 'bun:test';
import { SinkCounters, mergeSnapshots } from './counters.ts';

describe('sink counters', () => {
  test('a write counts its new rows as inserted and its duplicates (conflicts are counted as dead letters)', () => {
    const s = new SinkCounters('sink-1');
    s.recordWrite({ rows: 500, inserted: 480, duplicates: 18, dbMs: 12.5 });
    s.recordWrite({ rows: 10, inserted: 10, duplicates: 0, dbMs: 2 });
    expect(s.snapshot(true)).toMatchObject({
      id: 'sink-1',
      rows_inserted: 490,
      duplicates: 18,
      db_writes: 2,
      write_rows: [500, 10],
      write_ms: [12.5, 2],
      time_ms: { db: 14.5 },
    });
    expect(s.snapshot().write_rows).toEqual([]); // the periodic snapshot leaves the samples out
  });

  test('several sinks add up', () => {
    const [a, b] = [new SinkCounters('a'), new SinkCounters('b')];
    a.recordWrite({ rows: 100, inserted: 100, duplicates: 0, dbMs: 1 });
    b.recordWrite({ rows: 50, inserted: 40, duplicates: 10, dbMs: 1 });
    a.dlq.oversized = 2;
    b.dlq.oversized = 1;
    b.dlq.conflict = 4;
    expect(mergeSnapshots([a.snapshot(true), b.snapshot(true)])).toMatchObject({
      rows_inserted: 140,
      duplicates: 10,
      dlq: { oversized: 3, malformed_json: 0, schema_violation: 0, conflict: 4 },
      write_rows: [100, 50],
    });
  });
});
