// A plausible wrong answer to exercise 03-2 (the tests check that its check fails on it): the
// reference solution without deduplicating a producer retry within a chunk: a row this write inserted
// that appears twice in the chunk is returned twice, and its aggregates are counted twice.
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { Transaction } from '../../lib/schema.ts';
import { aggregateDeltas, aggregateUpserts } from '../../lib/sink/aggregates.ts';
import { type SinkRow, TRANSACTION_COLUMNS, primaryKeyMatch, valuesTuple } from '../../lib/sink/rows.ts';

export async function writeChunk(
  conn: PoolConnection,
  rows: readonly SinkRow[],
  batchId: number,
  ingestedAt: string,
): Promise<SinkRow[]> {
  if (rows.length === 0) return [];
  // 1. one multi-row upsert: a row stored already (or earlier in this chunk) is a duplicate key, and
  //    `SET ingest_batch = ingest_batch` leaves it exactly as it was (first write wins)
  await conn.query(
    `INSERT INTO transactions (${TRANSACTION_COLUMNS.join(',')}) VALUES ${rows
      .map((r) => valuesTuple(r, batchId, ingestedAt))
      .join(',')} ON DUPLICATE KEY UPDATE ingest_batch = ingest_batch`,
  );
  // 2. which of them this write inserted: they, and only they, carry its batch id (read inside the same
  //    transaction; the primary-key match makes it point lookups, not a scan of the table)
  const [found] = await conn.query<RowDataPacket[]>(
    `SELECT customer_id, transaction_id FROM transactions WHERE ingest_batch = ${batchId} AND (${primaryKeyMatch(rows)})`,
  );
  const mine = new Set(found.map((f) => `${f.customer_id}\u0000${f.transaction_id}`));
  // 3. (wrong) every row this write inserted, in the order they came
  const fresh: SinkRow[] = [];
  for (const r of rows) {
    const key = `${r.tx.customer_id}\u0000${r.tx.transaction_id}`;
    if (mine.has(key)) fresh.push(r);
  }
  // 4. the aggregates of exactly those rows, in the same transaction: they commit or roll back together
  await addToAggregates(
    conn,
    fresh.map((r) => r.tx),
  );
  return fresh;
}

export async function addToAggregates(conn: PoolConnection, txs: readonly Transaction[]): Promise<void> {
  for (const sql of aggregateUpserts(aggregateDeltas(txs))) await conn.query(sql);
}
