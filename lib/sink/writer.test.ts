// The write path on the real database: idempotent upserts and aggregates that count each row once.
import { describe, expect, test } from 'bun:test';
import type { RowDataPacket } from 'mysql2/promise';
import { transaction } from '../fixtures/transaction.ts';
import { TransactionGenerator } from '../generator/index.ts';
import type { Transaction } from '../schema.ts';
import { config } from '../config.ts';
import { useScratchDatabase } from '../testing/database.ts';
import { useEngines } from '../testing/engines.ts';
import { auditAggregates, auditRows } from './audit.ts';
import { type SinkRow, payloadSha256 } from './rows.ts';
import { writeRows } from './writer.ts';

useEngines('db');

// every test on both write paths: multi-row INSERT and LOAD DATA from memory store and count the same
describe.each(['insert', 'load-data'] as const)('the %s path', (path) => {
  const scratch = useScratchDatabase(`test_writer_${path.replace('-', '_')}`);
  const write = (rows: readonly SinkRow[]) => writeRows(scratch.db().pool, rows, { path });

  /** `n` generated transactions over the last 3 hours, as rows from partition 0 at offsets from `offset`. */
  function generated(n: number, seed: number, offset = 0): SinkRow[] {
    const gen = new TransactionGenerator({ ...config().generator, seed });
    const now = Date.now();
    return gen
      .backfill(n, now - 3 * 3_600_000, now)
      .map((s, i) => ({ tx: s.event, origin: { partition: 0, offset: String(offset + i), timestampMs: now } }));
  }

  async function sumOf(table: string): Promise<number> {
    const [rows] = await scratch
      .db()
      .pool.query<RowDataPacket[]>(`SELECT COALESCE(SUM(tx_count), 0) AS n FROM ${table}`);
    return Number(rows[0]!.n);
  }

  describe('writing a batch', () => {
    const first = generated(800, 101);

    test('stores every row once, with its aggregates', async () => {
      const w = await write(first);
      expect(w).toMatchObject({ rows: 800, inserted: 800, duplicates: 0 });
      expect(await auditRows(scratch.db().pool)).toEqual({ rows_total: 800, distinct_ids: 800 });
      expect(await sumOf('agg_minute')).toBe(800);
      expect((await auditAggregates(scratch.db().pool)).mismatches).toEqual([]);
    });

    describe('when the same batch is delivered again', () => {
      test('inserts nothing and adds nothing to the aggregates', async () => {
        const w = await write(first);
        expect(w).toMatchObject({ rows: 800, inserted: 0, duplicates: 800 });
        expect(await auditRows(scratch.db().pool)).toEqual({ rows_total: 800, distinct_ids: 800 });
        expect([await sumOf('agg_minute'), await sumOf('agg_category_hour'), await sumOf('agg_merchant_hour')]).toEqual(
          [800, 800, 800],
        );
        expect((await auditAggregates(scratch.db().pool)).mismatches).toEqual([]);
      });

      test('keeps the first delivery of each row: its Kafka position and ingest batch', async () => {
        const again = first.map((r, i) => ({
          ...r,
          origin: { partition: 5, offset: String(9000 + i), timestampMs: Date.now() },
        }));
        await write(again);
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
        const w = await write(mixed);
        expect(w).toMatchObject({ rows: 551, inserted: 300, duplicates: 251 });
        expect(await auditRows(scratch.db().pool)).toEqual({ rows_total: 1100, distinct_ids: 1100 });
        expect(await sumOf('agg_category_hour')).toBe(1100);
        expect((await auditAggregates(scratch.db().pool)).mismatches).toEqual([]);
      });
    });

    test('two writers with overlapping batches at once still store and count each row once', async () => {
      const rows = generated(1000, 303, 5000);
      const results = await Promise.all([write(rows.slice(0, 700)), write(rows.slice(300))]);
      expect(results.reduce((s, r) => s + r.inserted, 0)).toBe(1000);
      expect(await auditRows(scratch.db().pool)).toEqual({ rows_total: 2100, distinct_ids: 2100 });
      expect((await auditAggregates(scratch.db().pool)).mismatches).toEqual([]);
    });
  });

  const asRow = (tx: Transaction, offset = 0): SinkRow => ({
    tx,
    origin: { partition: 1, offset: String(offset), timestampMs: Date.now() },
  });

  /** Reads as text, so nothing passes through a double. */
  async function exact(sql: string): Promise<string[]> {
    const [rows] = await scratch.db().pool.query<RowDataPacket[]>(sql);
    return rows.map((r) => String(r.v));
  }

  describe('when sums pass 2^53', () => {
    const big = () =>
      transaction({
        timestamp: '2026-03-01T08:15:00.000Z',
        customer_id: 'cust_253',
        merchant_id: 'merch_253',
        amount: 9_007_199_254_740_001,
        commission_amount: 0,
        vat_amount: 0,
        total_amount: 9_007_199_254_740_001,
      });

    test('every aggregate table holds the exact sum, as GROUP BY does', async () => {
      await write([big(), big(), big()].map((tx, i) => asRow(tx, i)));
      expect({
        minute: await exact(
          "SELECT CAST(approved_amount AS CHAR) AS v FROM agg_minute WHERE bucket = '2026-03-01 08:15:00'",
        ),
        category: await exact(
          "SELECT CAST(approved_amount AS CHAR) AS v FROM agg_category_hour WHERE bucket = '2026-03-01 08:00:00'",
        ),
        merchant: await exact(
          "SELECT CAST(approved_amount AS CHAR) AS v FROM agg_merchant_hour WHERE merchant_id = 'merch_253'",
        ),
      }).toEqual({ minute: ['27021597764220003'], category: ['27021597764220003'], merchant: ['27021597764220003'] });
      expect((await auditAggregates(scratch.db().pool)).mismatches).toEqual([]);
    });

    test('the audit notices a bucket that is off by one there', async () => {
      const pool = scratch.db().pool;
      await pool.query(
        "UPDATE agg_minute SET approved_amount = approved_amount + 1 WHERE bucket = '2026-03-01 08:15:00'",
      );
      try {
        expect((await auditAggregates(pool)).mismatches).toEqual([
          {
            table: 'agg_minute',
            key: '2026-03-01 08:15:00',
            expected: '3/3/27021597764220003/0',
            actual: '3/3/27021597764220004/0',
          },
        ]);
      } finally {
        await pool.query(
          "UPDATE agg_minute SET approved_amount = approved_amount - 1 WHERE bucket = '2026-03-01 08:15:00'",
        );
      }
    });
  });

  describe('a transaction id used a second time', () => {
    const stored = async (id: string) => {
      const [rows] = await scratch
        .db()
        .pool.query<RowDataPacket[]>('SELECT customer_id, amount FROM transactions WHERE transaction_id = ?', [id]);
      return rows.map((r) => ({ customer_id: String(r.customer_id), amount: Number(r.amount) }));
    };

    test('by another customer: the first is kept, the second is a conflict and is stored nowhere', async () => {
      const first = transaction({ customer_id: 'cust_901' });
      const other = { ...first, customer_id: 'cust_902' };
      expect(await write([asRow(first)])).toMatchObject({ inserted: 1, conflicts: [] });
      const second = asRow(other, 1);
      const w = await write([second]);
      expect(w).toMatchObject({ rows: 1, inserted: 0, duplicates: 0 });
      expect(w.conflicts).toEqual([
        {
          row: second,
          payload_sha256: payloadSha256(other),
          stored: { customer_id: 'cust_901', payload_sha256: payloadSha256(first) },
        },
      ]);
      expect(await stored(first.transaction_id)).toEqual([{ customer_id: 'cust_901', amount: first.amount }]);
      expect((await auditAggregates(scratch.db().pool)).mismatches).toEqual([]);
    });

    test('by the same customer with another amount: first write wins, the other is a conflict with both hashes', async () => {
      const first = transaction({ customer_id: 'cust_903', amount: 10_000 });
      const changed = transaction({ transaction_id: first.transaction_id, customer_id: 'cust_903', amount: 99_000 });
      await write([asRow(first)]);
      const w = await write([asRow(changed, 1)]);
      expect(w).toMatchObject({ inserted: 0, duplicates: 0 });
      expect(w.conflicts.map((c) => [c.payload_sha256, c.stored.payload_sha256])).toEqual([
        [payloadSha256(changed), payloadSha256(first)],
      ]);
      expect(await stored(first.transaction_id)).toEqual([{ customer_id: 'cust_903', amount: 10_000 }]);
    });

    test('with the same payload is a redelivery: a silent duplicate', async () => {
      const tx = transaction({ customer_id: 'cust_904' });
      await write([asRow(tx)]);
      expect(await write([asRow(tx, 7)])).toMatchObject({
        inserted: 0,
        duplicates: 1,
        conflicts: [],
      });
    });

    test('twice in one batch with different payloads: the first is stored, the second is a conflict', async () => {
      const a = transaction({ customer_id: 'cust_905' });
      const b = { ...a, customer_id: 'cust_906' };
      const w = await write([asRow(a), asRow(b, 1), asRow(a, 2)]);
      expect(w).toMatchObject({ rows: 3, inserted: 1, duplicates: 1 });
      expect(w.conflicts.map((c) => [c.row.tx.customer_id, c.stored.customer_id])).toEqual([['cust_906', 'cust_905']]);
      expect(await stored(a.transaction_id)).toEqual([{ customer_id: 'cust_905', amount: a.amount }]);
    });
  });
  test('a value its column cannot hold stops the batch, and nothing of it is stored (not stored cut short)', async () => {
    // the sink's decoder sends such a row to the dead-letter topic (storageProblem); the writer still refuses it
    const ok = transaction({ customer_id: 'cust_907' });
    const long = transaction({
      customer_id: 'cust_908',
      device_info: { os: 'iOS', app_version: 'v'.repeat(33), device_id: 'dev_0000000000ab' },
    });
    const before = await auditRows(scratch.db().pool);
    const err = await write([asRow(ok), asRow(long, 1)]).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(
      path === 'load-data' ? /warnings .*Data truncated|too long/i : /too long/i,
    );
    expect(await auditRows(scratch.db().pool)).toEqual(before);
  });
});
