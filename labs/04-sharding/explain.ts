// Which partitions a query reads and which index it uses, from the engine's own EXPLAIN: MariaDB's
// FORMAT=JSON names the partitions per table; SingleStore's plan says `partitions:single` when the
// shard key pins the query to one partition and `partitions:all` when it fans out.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Dialect } from '../../lib/db/dialect.ts';

export type Pruning = {
  /** the partitions read, e.g. ['p3'], or every partition's name */
  partitions: string[];
  /** how many partitions the table has */
  total: number;
  pruned: boolean;
  /** the index the plan uses on `transactions`, or null for a full scan */
  index: string | null;
  /** rows the optimizer expects to examine */
  estimated_rows: number | null;
};

type JsonTable = { table_name?: string; partitions?: string[]; key?: string; rows?: number; access_type?: string };

/** Reads MariaDB's EXPLAIN FORMAT=JSON: the first access to `table` anywhere in the plan. */
export function pruningFromMariaJson(json: unknown, table: string, total: number): Pruning {
  const found = findTable(json, table);
  if (!found) throw new Error(`explain: no access to ${table} in the plan`);
  const partitions = found.partitions ?? [];
  return {
    partitions,
    total,
    pruned: partitions.length > 0 && partitions.length < total,
    index: found.access_type === 'ALL' ? null : (found.key ?? null),
    estimated_rows: typeof found.rows === 'number' ? found.rows : null,
  };
}

function findTable(node: unknown, table: string): JsonTable | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const t = node as JsonTable & Record<string, unknown>;
  if (t.table_name === table) return t;
  for (const v of Object.values(t)) {
    const hit = Array.isArray(v) ? v.map((x) => findTable(x, table)).find(Boolean) : findTable(v, table);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Reads SingleStore's text EXPLAIN: `Gather partitions:single` (pruned by the shard key) or
 * `partitions:all`, and the key named by the scan (`IndexRangeScan db.t, KEY a (a) ...`).
 */
export function pruningFromSingleStore(plan: string, total: number): Pruning {
  const single = /partitions:single/.test(plan);
  const index =
    plan.match(
      /(?:IndexSeek|IndexRangeScan|OrderedColumnStoreScan|ColumnStoreScan)\s+\S+,\s+(?:PRIMARY |UNIQUE )?KEY\s+(\w+)/,
    )?.[1] ?? null;
  return {
    partitions: single ? ['one'] : Array.from({ length: total }, (_, i) => `p${i}`),
    total,
    pruned: single,
    index,
    estimated_rows: null,
  };
}

export async function explainPruning(
  pool: Pool,
  dialect: Dialect,
  sql: string,
  params: unknown[],
  total: number,
): Promise<{ pruning: Pruning; plan: string }> {
  if (dialect === 'mysql') {
    const [rows] = await pool.query<RowDataPacket[]>(`EXPLAIN FORMAT=JSON ${sql}`, params);
    const text = String(Object.values(rows[0] ?? {})[0] ?? '{}');
    return { pruning: pruningFromMariaJson(JSON.parse(text), 'transactions', total), plan: text };
  }
  const [rows] = await pool.query<RowDataPacket[]>(`EXPLAIN ${sql}`, params);
  const text = rows.map((r) => String(Object.values(r)[0])).join('\n');
  return { pruning: pruningFromSingleStore(text, total), plan: text };
}
