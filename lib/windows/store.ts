// Final window results into SQL: one upsert per chunk of results, keyed by (view, window start, key), so
// a result written again after a replay replaces the row with the same values instead of adding one.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { WindowResult } from './operator.ts';

const COLUMNS = [
  'view_name',
  'window_start',
  'window_key',
  'window_end',
  'tx_count',
  'amount_sum',
  'amount_min',
  'amount_max',
  'approved_count',
  'approved_sum',
  'declined_count',
  'declined_sum',
  'closed_by_watermark',
  'written_at',
] as const;
const UPDATED = COLUMNS.slice(3);
const CHUNK = 500;

export async function storeResults(pool: Pool, results: readonly WindowResult[]): Promise<void> {
  for (let i = 0; i < results.length; i += CHUNK) {
    const chunk = results.slice(i, i + CHUNK);
    const row = `(${COLUMNS.map((c) => (c === 'written_at' ? 'UTC_TIMESTAMP(6)' : '?')).join(', ')})`;
    const sql =
      `INSERT INTO window_results (${COLUMNS.join(', ')}) VALUES ${chunk.map(() => row).join(', ')} ` +
      `ON DUPLICATE KEY UPDATE ${UPDATED.map((c) => `${c} = VALUES(${c})`).join(', ')}`;
    const params = chunk.flatMap((r) => [
      r.view,
      r.start,
      r.key,
      r.end,
      r.count,
      r.sum,
      r.min,
      r.max,
      r.approvedCount,
      r.approvedSum,
      r.declinedCount,
      r.declinedSum,
      Number.isFinite(r.watermarkMs) ? r.watermarkMs : 0,
    ]);
    await pool.query(sql, params);
  }
}

export type StoredResult = Omit<WindowResult, 'watermarkMs'>;

/** The stored results whose windows start in [fromMs, toMs), every view unless one is named. */
export async function readResults(pool: Pool, fromMs: number, toMs: number, view?: string): Promise<StoredResult[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT view_name, window_start, window_key, window_end, tx_count, amount_sum, amount_min, amount_max,
            approved_count, approved_sum, declined_count, declined_sum
       FROM window_results WHERE window_start >= ? AND window_start < ?${view ? ' AND view_name = ?' : ''}
      ORDER BY view_name, window_start, window_key`,
    view ? [fromMs, toMs, view] : [fromMs, toMs],
  );
  return rows.map((r) => ({
    view: String(r.view_name),
    key: String(r.window_key),
    start: Number(r.window_start),
    end: Number(r.window_end),
    count: Number(r.tx_count),
    sum: Number(r.amount_sum),
    min: Number(r.amount_min),
    max: Number(r.amount_max),
    approvedCount: Number(r.approved_count),
    approvedSum: Number(r.approved_sum),
    declinedCount: Number(r.declined_count),
    declinedSum: Number(r.declined_sum),
  }));
}
