// Exercise 03-2: a write that a redelivery cannot double. Write the part marked TODO; check it with
//   bun run exercise check 03-2-idempotent-writes
import type { PoolConnection } from 'mysql2/promise';
import { todo } from '../../lib/exercises/missing.ts';
import type { Transaction } from '../../lib/schema.ts';
import { aggregateDeltas, aggregateUpserts } from '../../lib/sink/aggregates.ts';
import { type SinkRow, TRANSACTION_COLUMNS, valuesTuple } from '../../lib/sink/rows.ts';

/**
 * Stores one chunk of validated rows (a consumer's batch, in offset order) in `transactions` and adds
 * them to the aggregate tables. It runs inside a database transaction the caller has opened (BEGIN) and
 * commits afterwards; if the process dies before the COMMIT, the server rolls all of it back.
 *
 * Kafka delivers at least once: the same rows come again after a crash, a rebalance or a producer
 * retry, sometimes in a chunk that also holds new ones, sometimes twice in one chunk. So:
 * - a row whose (customer_id, transaction_id) is stored already is left exactly as it is (first write
 *   wins: its ingest_batch stays the one of the write that first stored it);
 * - the aggregates get exactly the rows this write inserted, each once: nothing for a redelivery;
 * - it returns those rows, in the order they came.
 *
 * Every row this write inserts carries `batchId` in its `ingest_batch` column (a number no other write
 * uses). `valuesTuple(row, batchId, ingestedAt)` is a row's `(...)` in TRANSACTION_COLUMNS order, and
 * `addToAggregates` below adds transactions to the three aggregate tables.
 */
export async function writeChunk(
  conn: PoolConnection,
  rows: readonly SinkRow[],
  batchId: number,
  ingestedAt: string,
): Promise<SinkRow[]> {
  // TODO: insert the rows (leaving stored ones untouched), find which of them this write inserted, add those to the aggregates, return them
  return todo(
    `writeChunk: the idempotent write of batch ${batchId} (${rows.length} rows, ${TRANSACTION_COLUMNS.length} columns)`,
  );
}

/**
 * Adds `txs` to agg_minute, agg_category_hour and agg_merchant_hour: `tx_count = tx_count + n`, and so
 * on. Adding is not idempotent: the same transaction added twice is counted twice.
 */
export async function addToAggregates(conn: PoolConnection, txs: readonly Transaction[]): Promise<void> {
  for (const sql of aggregateUpserts(aggregateDeltas(txs))) await conn.query(sql);
}
