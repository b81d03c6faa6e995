// Checks on what the sink stored, as a reader of the database sees it: every transaction id once, and
// every aggregate table equal to the GROUP BY over the rows it summarises.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { namedQuery } from '../db/queries.ts';
import {
  AGGREGATE_TABLES,
  type AggregateTable,
  aggregateFromRowsSql,
  aggregateRowKey,
  aggregateTableSql,
} from './aggregates.ts';

export type RowAudit = { rows_total: number; distinct_ids: number };

export async function auditRows(pool: Pool): Promise<RowAudit> {
  const [rows] = await pool.query<RowDataPacket[]>(namedQuery('audit_rows').sql);
  return { rows_total: Number(rows[0]?.rows_total ?? 0), distinct_ids: Number(rows[0]?.distinct_ids ?? 0) };
}

export type AggregateMismatch = { table: AggregateTable; key: string; expected: string; actual: string };
export type AggregateAudit = { buckets: number; mismatches: AggregateMismatch[] };

const MEASURES = ['tx_count', 'approved_count', 'approved_amount', 'approved_commission'] as const;
/** `tx_count/approved_count/approved_amount/approved_commission` as decimal text: compared exactly, never through a double. */
const measures = (r: RowDataPacket | undefined) =>
  r ? MEASURES.map((m) => BigInt(String(r[m] ?? 0)).toString()).join('/') : 'missing';

/** Compares each aggregate table with a GROUP BY over `transactions` (a full scan: for tests and labs). */
export async function auditAggregates(pool: Pool): Promise<AggregateAudit> {
  const audit: AggregateAudit = { buckets: 0, mismatches: [] };
  for (const table of AGGREGATE_TABLES) {
    const [[expected], [actual]] = await Promise.all([
      pool.query<RowDataPacket[]>(aggregateFromRowsSql(table)),
      pool.query<RowDataPacket[]>(aggregateTableSql(table)),
    ]);
    const want = new Map(expected.map((r) => [aggregateRowKey(table, r), r]));
    const have = new Map(actual.map((r) => [aggregateRowKey(table, r), r]));
    for (const key of new Set([...want.keys(), ...have.keys()])) {
      audit.buckets++;
      const [e, a] = [measures(want.get(key)), measures(have.get(key))];
      if (e !== a) audit.mismatches.push({ table, key, expected: e, actual: a });
    }
  }
  return audit;
}
