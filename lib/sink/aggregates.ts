// The precomputed aggregates (seed 001's "materialized views"): per minute, per merchant category and
// hour, per merchant and hour. The sink adds the rows it actually inserted, in the same database
// transaction, so the tables always equal a GROUP BY over `transactions`. Pure: deltas and SQL text.
// Money is summed as BigInt: amounts are safe integers, but three of them near 2^53 already add up past
// what a JavaScript number holds exactly (and BIGINT columns hold up to 9.2 × 10^18).
import type { Transaction } from '../schema.ts';
import { str } from '../db/literals.ts';

export type Measures = {
  tx_count: number;
  approved_count: number;
  /** minor units, exact */
  approved_amount: bigint;
  /** minor units, exact */
  approved_commission: bigint;
};

export const AGGREGATE_TABLES = ['agg_minute', 'agg_category_hour', 'agg_merchant_hour'] as const;
export type AggregateTable = (typeof AGGREGATE_TABLES)[number];

/** Each table's bucket key columns, after `bucket`. */
const KEY_COLUMNS: Record<AggregateTable, readonly string[]> = {
  agg_minute: [],
  agg_category_hour: ['merchant_category'],
  agg_merchant_hour: ['merchant_id'],
};

/** Keys are the key columns' values joined by a tab: `2026-01-15 10:31:00` or `2026-01-15 10:00:00\tretail`. */
export type AggregateDeltas = Record<AggregateTable, Map<string, Measures>>;

/** `2026-01-15T10:31:45.123Z` → `2026-01-15 10:31:00` */
export const minuteBucket = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}:00`;
/** `2026-01-15T10:31:45.123Z` → `2026-01-15 10:00:00` */
export const hourBucket = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 13)}:00:00`;

function add(map: Map<string, Measures>, key: string, tx: Transaction) {
  let m = map.get(key);
  if (!m) map.set(key, (m = { tx_count: 0, approved_count: 0, approved_amount: 0n, approved_commission: 0n }));
  m.tx_count++;
  if (tx.status === 'approved') {
    m.approved_count++;
    m.approved_amount += BigInt(tx.amount);
    m.approved_commission += BigInt(tx.commission_amount);
  }
}

/** What `txs` add to each aggregate table. Give it only rows that were newly inserted. */
export function aggregateDeltas(txs: readonly Transaction[]): AggregateDeltas {
  const d: AggregateDeltas = { agg_minute: new Map(), agg_category_hour: new Map(), agg_merchant_hour: new Map() };
  for (const tx of txs) {
    const hour = hourBucket(tx.timestamp);
    add(d.agg_minute, minuteBucket(tx.timestamp), tx);
    add(d.agg_category_hour, `${hour}\t${tx.merchant_category}`, tx);
    add(d.agg_merchant_hour, `${hour}\t${tx.merchant_id}`, tx);
  }
  return d;
}

/**
 * One `INSERT ... ON DUPLICATE KEY UPDATE x = x + VALUES(x)` per table that has deltas, rows in key
 * order (concurrent sinks then lock bucket rows in the same order and cannot deadlock on them).
 */
export function aggregateUpserts(d: AggregateDeltas): string[] {
  const out: string[] = [];
  for (const table of AGGREGATE_TABLES) {
    const map = d[table];
    if (map.size === 0) continue;
    const cols = [
      'bucket',
      ...KEY_COLUMNS[table],
      'tx_count',
      'approved_count',
      'approved_amount',
      'approved_commission',
    ];
    const tuples = [...map.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(
        ([key, m]) =>
          `(${key.split('\t').map(str).join(',')},${m.tx_count},${m.approved_count},${m.approved_amount},${m.approved_commission})`,
      );
    out.push(
      `INSERT INTO ${table} (${cols.join(',')}) VALUES ${tuples.join(',')} ON DUPLICATE KEY UPDATE ` +
        'tx_count = tx_count + VALUES(tx_count), approved_count = approved_count + VALUES(approved_count), ' +
        'approved_amount = approved_amount + VALUES(approved_amount), approved_commission = approved_commission + VALUES(approved_commission)',
    );
  }
  return out;
}

/**
 * The GROUP BY over `transactions` that each aggregate table must equal (for audits and rebuilds).
 * Measures come back as decimal text (CAST AS CHAR): exact whatever the driver does with numbers.
 */
export function aggregateFromRowsSql(table: AggregateTable): string {
  const bucket =
    table === 'agg_minute'
      ? "DATE_FORMAT(event_time, '%Y-%m-%d %H:%i:00')"
      : "DATE_FORMAT(event_time, '%Y-%m-%d %H:00:00')";
  const keys = KEY_COLUMNS[table];
  return `SELECT ${bucket} AS bucket${keys.map((k) => `, ${k}`).join('')}, CAST(COUNT(*) AS CHAR) AS tx_count,
    CAST(SUM(CASE WHEN status = 'approved' THEN 1 ELSE 0 END) AS CHAR) AS approved_count,
    CAST(SUM(CASE WHEN status = 'approved' THEN amount ELSE 0 END) AS CHAR) AS approved_amount,
    CAST(SUM(CASE WHEN status = 'approved' THEN commission_amount ELSE 0 END) AS CHAR) AS approved_commission
    FROM transactions GROUP BY ${bucket}${keys.map((k) => `, ${k}`).join('')}`;
}

/** An aggregate table as stored, measures as decimal text (exact). */
export const aggregateTableSql = (table: AggregateTable) =>
  `SELECT DATE_FORMAT(bucket, '%Y-%m-%d %H:%i:%s') AS bucket${KEY_COLUMNS[table].map((k) => `, ${k}`).join('')}, CAST(tx_count AS CHAR) AS tx_count, CAST(approved_count AS CHAR) AS approved_count, CAST(approved_amount AS CHAR) AS approved_amount, CAST(approved_commission AS CHAR) AS approved_commission FROM ${table}`;

/** Row key of an aggregate row as read back from SQL, matching the keys of AggregateDeltas. */
export const aggregateRowKey = (table: AggregateTable, row: Record<string, unknown>) =>
  [String(row.bucket), ...KEY_COLUMNS[table].map((k) => String(row[k]))].join('\t');
