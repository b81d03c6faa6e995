// The write path on the real database: idempotent upserts and aggregates that count each row once.
import { describe, expect, test } from 'bun:test';
import type { RowDataPacket } from 'mysql2/promise';
import { TransactionGenerator } from '../generator/index.ts';
import { config } from '../config.ts';
import { useScratchDatabase } from '../testing/database.ts';
import { useEngines } from '../testing/engines.ts';
import { auditAggregates, auditRows } from './audit.ts';
import type { SinkRow } from './rows.ts';
import { writeRows } from './writer.ts';

useEngines('db');
const scratch = useScratchDatabase('test_writer');

/** `n` generated transactions over the last 3 hours, as rows from partition 0 at offsets from `offset`. */
function generated(n: number, seed: number, offset = 0): SinkRow[] {
  const gen = new TransactionGenerator({ ...config().generator, seed });
  const now = Date.now();
  return gen
    .backfill(n, now - 3 * 3_600_000, now)
    .map((s, i) => ({ tx: s.event, origin: { partition: 0, offset: String(offset + i), timestampMs: now } }));
}

async function sumOf(table: string): Promise<number> {
  const [rows] = await scratch.db().pool.query<RowDataPacket[]>(`SELECT COALESCE(SUM(tx_count), 0) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

describe('writing a batch', () => {
  const first = generated(800, 101);

  test('stores every row once, with its aggregates', async () => {
    const w = await writeRows(scratch.db().pool, first);
    expect(w).toMatchObject({ rows: 800, inserted: 800, duplicates: 0 });
    expect(await auditRows(scratch.db().pool)).toEqual({ rows_total: 800, distinct_ids: 800 });
    expect(await sumOf('agg_minute')).toBe(800);
    expect((await auditAggregates(scratch.db().pool)).mismatches).toEqual([]);
  });

  describe('when the same batch is delivered again', () => {
    test('inserts nothing and adds nothing to the aggregates', async () => {
      const w = await writeRows(scratch.db().pool, first);
      expect(w).toMatchObject({ rows: 800, inserted: 0, duplicates: 800 });
      expect(await auditRows(scratch.db().pool)).toEqual({ rows_total: 800, distinct_ids: 800 });
      expect([await sumOf('agg_minute'), await sumOf('agg_category_hour'), await sumOf('agg_merchant_hour')]).toEqual([
        800, 800, 800,
      ]);
      expect((await auditAggregates(scratch.db().pool)).mismatches).toEqual([]);
    });

    test('keeps the first delivery of each row: its Kafka position and ingest batch', async () => {
      const again = first.map((r, i) => ({
        ...r,
        origin: { partition: 5, offset: String(9000 + i), timestampMs: Date.now() },
      }));
      await writeRows(scratch.db().pool, again);
      const [rows] = await scratch
        .db()
        .pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM transactions WHERE kafka_partition = 5');
      expect(Number(rows[0]!.n)).toBe(0);
    });
  });

  describe('when a batch mixes new rows, stored rows, and a row repeated inside it', () => {
    test('inserts and aggregates exactly the new rows, once', async () => {
      const fresh = generated(300, 202, 1000);
      const mixed = [...first.slice(0, 200), ...fresh, fresh[0]!, ...first.slice(200, 250)];
      const w = await writeRows(scratch.db().pool, mixed);
      expect(w).toMatchObject({ rows: 551, inserted: 300, duplicates: 251 });
      expect(await auditRows(scratch.db().pool)).toEqual({ rows_total: 1100, distinct_ids: 1100 });
      expect(await sumOf('agg_category_hour')).toBe(1100);
      expect((await auditAggregates(scratch.db().pool)).mismatches).toEqual([]);
    });
  });

  test('two writers with overlapping batches at once still store and count each row once', async () => {
    const rows = generated(1000, 303, 5000);
    const results = await Promise.all([
      writeRows(scratch.db().pool, rows.slice(0, 700)),
      writeRows(scratch.db().pool, rows.slice(300)),
    ]);
    expect(results.reduce((s, r) => s + r.inserted, 0)).toBe(1000);
    expect(await auditRows(scratch.db().pool)).toEqual({ rows_total: 2100, distinct_ids: 2100 });
    expect((await auditAggregates(scratch.db().pool)).mismatches).toEqual([]);
  });
});
