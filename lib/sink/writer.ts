// Writes a batch of validated rows in one database transaction: the multi-row upsert, then the
// aggregates of exactly the rows that were new. A batch delivered again (a crash before the offset
// commit, a rebalance, a producer retry) inserts nothing and adds nothing, so rows and aggregates stay
// exact under at-least-once delivery. Also correct when a COMMIT's outcome is unknown (the connection
// died after sending it): the retry finds the rows stored under the earlier batch id and adds nothing.
import { randomInt } from 'node:crypto';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { aggregateDeltas, aggregateUpserts } from './aggregates.ts';
import { sqlDatetime } from '../db/literals.ts';
import { type SinkRow, primaryKeyMatch, uniqueSorted, upsertTransactionsSql } from './rows.ts';

export type WriteResult = {
  /** stamped on every row this write inserted (transactions.ingest_batch) */
  batchId: number;
  /** rows handed in */
  rows: number;
  /** rows that were new and are now stored */
  inserted: number;
  /** rows already stored (or repeated within the batch): left untouched, not counted again */
  duplicates: number;
  /** wall time of the database transaction, ms */
  dbMs: number;
};

/** A random id for one write, below 2^53 so it survives JSON and JS numbers. */
export const newBatchId = () => randomInt(1, 2 ** 48);

export async function writeRows(
  pool: Pool,
  rows: readonly SinkRow[],
  now: () => number = Date.now,
): Promise<WriteResult> {
  const batchId = newBatchId();
  const unique = uniqueSorted(rows);
  const t0 = performance.now();
  const conn = await pool.getConnection();
  let healthy = true;
  try {
    await conn.query('BEGIN');
    const [res] = await conn.query<ResultSetHeader>(upsertTransactionsSql(unique, batchId, sqlDatetime(now())));
    const inserted = res.affectedRows;
    const fresh = inserted === unique.length ? unique : await insertedBy(conn, unique, batchId);
    if (fresh.length !== inserted)
      throw new Error(`sink: batch ${batchId} reported ${inserted} new rows but ${fresh.length} carry its id`);
    for (const sql of aggregateUpserts(aggregateDeltas(fresh.map((r) => r.tx)))) await conn.query(sql);
    await conn.query('COMMIT');
    return { batchId, rows: rows.length, inserted, duplicates: rows.length - inserted, dbMs: performance.now() - t0 };
  } catch (e) {
    await conn.query('ROLLBACK').catch(() => {
      healthy = false;
    });
    throw e;
  } finally {
    // a connection that failed mid-transaction is not handed back to the pool
    if (healthy) conn.release();
    else conn.destroy();
  }
}

/** The rows of `unique` that this write inserted: they carry its batch id (read inside the same transaction). */
async function insertedBy(conn: PoolConnection, unique: readonly SinkRow[], batchId: number): Promise<SinkRow[]> {
  const [found] = await conn.query<RowDataPacket[]>(
    `SELECT customer_id, transaction_id FROM transactions WHERE ingest_batch = ${batchId} AND (${primaryKeyMatch(unique)})`,
  );
  const ids = new Set(found.map((r) => `${r.customer_id}\u0000${r.transaction_id}`));
  return unique.filter((r) => ids.has(`${r.tx.customer_id}\u0000${r.tx.transaction_id}`));
}
