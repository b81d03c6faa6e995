// A validated transaction as a row of the `transactions` table: the column list, SQL literals, the
// multi-row upsert the sink sends, and the claim of its transaction id (`transaction_ids`) with a hash
// of its payload. Pure: builds text and hashes, touches nothing.
import { TxlabError } from '../errors.ts';
import { createHash } from 'node:crypto';
import { type SqlValue, sqlDatetime, sqlLiteral, str, tsvLines } from '../db/literals.ts';
import type { Transaction } from '../schema.ts';

/** Where a row came from in Kafka; null for rows loaded in bulk without Kafka. */
export type Origin = { partition: number; offset: string; timestampMs: number } | null;
export type SinkRow = { tx: Transaction; origin: Origin };

/** Column order of every INSERT the sink sends (the DDL in sql/<dialect>/001_transactions.sql). */
export const TRANSACTION_COLUMNS = [
  'transaction_id',
  'customer_id',
  'merchant_id',
  'event_time',
  'merchant_category',
  'payment_method',
  'amount',
  'commission_type',
  'commission_amount',
  'vat_amount',
  'total_amount',
  'status',
  'failure_reason',
  'customer_type',
  'risk_level',
  'location_lat',
  'location_lng',
  'device_os',
  'device_app_version',
  'device_id',
  'kafka_partition',
  'kafka_offset',
  'kafka_timestamp',
  'ingest_batch',
  'ingested_at',
] as const;

/** Column sizes in the DDL that the event schema does not bound by itself. */
export const COLUMN_LIMITS = { customer_id: 40, merchant_id: 40, device_app_version: 32 } as const;

/**
 * What would make the database reject a row that passed the event schema (a string longer than its
 * column, a year DATETIME cannot hold), or null. Such an event goes to the dead-letter topic rather
 * than failing its whole batch forever.
 */
export function storageProblem(tx: Transaction): string | null {
  const long = (field: string, value: string, max: number) =>
    value.length > max ? `${field}: ${value.length} characters, the column holds ${max}` : null;
  const year = Number(tx.timestamp.slice(0, 4));
  return (
    long('customer_id', tx.customer_id, COLUMN_LIMITS.customer_id) ??
    long('merchant_id', tx.merchant_id, COLUMN_LIMITS.merchant_id) ??
    long('device_info.app_version', tx.device_info.app_version, COLUMN_LIMITS.device_app_version) ??
    (year < 1000 ? `timestamp: year ${year} is before 1000, the first year DATETIME holds` : null)
  );
}

/** A Kafka offset (an int64 as decimal text), without a trip through a double. */
function offsetValue(offset: string): bigint {
  if (!/^\d{1,19}$/.test(offset)) throw new TxlabError(`sql: not a Kafka offset: ${JSON.stringify(offset)}`);
  return BigInt(offset);
}

/** One row's `(...)` tuple in TRANSACTION_COLUMNS order. */
export function valuesTuple(row: SinkRow, batchId: number, ingestedAt: string): string {
  return `(${rowValues(row, batchId, ingestedAt).map(sqlLiteral).join(',')})`;
}

/**
 * One multi-row upsert. A row whose (customer_id, transaction_id) is already stored is left as it was
 * (first write wins: its Kafka position and ingest time stay those of the first delivery), and the
 * server counts it as 0 affected rows, so `affectedRows` is the number of rows that were new.
 */
export function upsertTransactionsSql(rows: readonly SinkRow[], batchId: number, ingestedAt: string): string {
  if (rows.length === 0) throw new TxlabError('sql: no rows to insert');
  return `INSERT INTO transactions (${TRANSACTION_COLUMNS.join(',')}) VALUES ${rows.map((r) => valuesTuple(r, batchId, ingestedAt)).join(',')} ON DUPLICATE KEY UPDATE ingest_batch = ingest_batch`;
}

const byKey =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) => {
    const [ka, kb] = [key(a), key(b)];
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };

/** The same rows as LOAD DATA text (TRANSACTION_COLUMNS order, one line each): the sink's bulk write path. */
export function transactionsTsv(rows: readonly SinkRow[], batchId: number, ingestedAt: string): Buffer {
  if (rows.length === 0) throw new TxlabError('sql: no rows to load');
  return tsvLines(rows.map((r) => rowValues(r, batchId, ingestedAt)));
}

/** Sorted by the transactions table's primary key (customer_id, transaction_id): the order its row locks are taken in. */
export const byPrimaryKey = byKey((r: SinkRow) => `${r.tx.customer_id}\u0000${r.tx.transaction_id}`);

/**
 * The rows to claim: the first of each transaction_id (a later one in the same batch is a duplicate or
 * a conflict of it), sorted by id, so that concurrent writers lock claims in the same order (no deadlocks).
 */
export function firstOfEachId(rows: readonly SinkRow[]): SinkRow[] {
  const seen = new Map<string, SinkRow>();
  for (const r of rows) if (!seen.has(r.tx.transaction_id)) seen.set(r.tx.transaction_id, r);
  return [...seen.values()].sort(byKey((r) => r.tx.transaction_id));
}

/**
 * SHA-256 of the event's content, hex: every field in a fixed order, so the same transaction hashes
 * the same however its JSON was laid out (key order, spacing, the id's case). Two deliveries of one id
 * with different hashes are a conflict, not a redelivery.
 */
export function payloadSha256(tx: Transaction): string {
  const t = tx;
  const fields = [
    t.transaction_id,
    t.timestamp,
    t.customer_id,
    t.merchant_id,
    t.merchant_category,
    t.payment_method,
    t.amount,
    t.location.lat,
    t.location.lng,
    t.device_info.os,
    t.device_info.app_version,
    t.device_info.device_id,
    t.status,
    t.commission_type,
    t.commission_amount,
    t.vat_amount,
    t.total_amount,
    t.customer_type,
    t.risk_level,
    t.failure_reason,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/**
 * One multi-row claim of transaction ids (`transaction_ids`, unique on transaction_id alone): a claim
 * already held is left as it was and counts as 0 affected rows, so `affectedRows` is the number of ids
 * this write claimed first.
 */
export function claimIdsSql(rows: readonly { tx: Transaction; sha256: string }[], batchId: number): string {
  if (rows.length === 0) throw new TxlabError('sql: no ids to claim');
  const tuples = rows.map(
    (r) => `(${[r.tx.transaction_id, r.tx.customer_id, r.sha256, batchId].map(sqlLiteral).join(',')})`,
  );
  return `INSERT INTO transaction_ids (transaction_id,customer_id,payload_sha256,ingest_batch) VALUES ${tuples.join(',')} ON DUPLICATE KEY UPDATE ingest_batch = ingest_batch`;
}

/** The columns of a claim, in the order claimsTsv writes them. */
export const CLAIM_COLUMNS = ['transaction_id', 'customer_id', 'payload_sha256', 'ingest_batch'] as const;

/** The same claims as claimIdsSql, as LOAD DATA text (CLAIM_COLUMNS order). */
export function claimsTsv(rows: readonly { tx: Transaction; sha256: string }[], batchId: number): Buffer {
  if (rows.length === 0) throw new TxlabError('sql: no ids to claim');
  return tsvLines(rows.map((r) => [r.tx.transaction_id, r.tx.customer_id, r.sha256, batchId]));
}

/** The claims of these ids, as stored (read back inside the write's transaction). */
export const claimsSql = (ids: readonly string[]) =>
  `SELECT transaction_id, customer_id, payload_sha256, ingest_batch FROM transaction_ids WHERE transaction_id IN (${ids.map(str).join(',')})`;

/** A WHERE condition matching exactly these rows' primary keys (the optimizer reads it as point lookups). */
export function primaryKeyMatch(rows: readonly SinkRow[]): string {
  return rows
    .map((r) => `(customer_id = ${str(r.tx.customer_id)} AND transaction_id = ${str(r.tx.transaction_id)})`)
    .join(' OR ');
}

/** One row's column values in TRANSACTION_COLUMNS order. */
export function rowValues(row: SinkRow, batchId: number, ingestedAt: string): SqlValue[] {
  const { tx, origin } = row;
  return [
    tx.transaction_id,
    tx.customer_id,
    tx.merchant_id,
    sqlDatetime(tx.timestamp),
    tx.merchant_category,
    tx.payment_method,
    tx.amount,
    tx.commission_type,
    tx.commission_amount,
    tx.vat_amount,
    tx.total_amount,
    tx.status,
    tx.failure_reason,
    tx.customer_type,
    tx.risk_level,
    tx.location.lat,
    tx.location.lng,
    tx.device_info.os,
    tx.device_info.app_version,
    tx.device_info.device_id,
    origin?.partition ?? null,
    origin ? offsetValue(origin.offset) : null,
    origin ? sqlDatetime(origin.timestampMs) : null,
    batchId,
    ingestedAt,
  ];
}
