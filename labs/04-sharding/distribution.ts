// How the rows of `transactions` are spread: per MariaDB partition (exact counts), or per SingleStore
// partition with the leaf that holds it (from information_schema.TABLE_STATISTICS).
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Db } from '../../lib/db/connect.ts';

export type PartitionRows = { partition: string; rows: number; customers: number | null; host: string | null };

/** max / mean rows per partition: 1.0 is a perfectly even spread. */
export function skew(parts: readonly { rows: number }[]): number {
  if (parts.length === 0) return 0;
  const mean = parts.reduce((s, p) => s + p.rows, 0) / parts.length;
  return mean === 0 ? 0 : Math.max(...parts.map((p) => p.rows)) / mean;
}

export async function partitionRows(db: Db): Promise<PartitionRows[]> {
  return db.dialect === 'mysql' ? mariaPartitions(db.pool, db.database) : singlestorePartitions(db.pool, db.database);
}

async function mariaPartitions(pool: Pool, database: string): Promise<PartitionRows[]> {
  const [parts] = await pool.query<RowDataPacket[]>(
    "SELECT PARTITION_NAME AS name FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'transactions' ORDER BY PARTITION_ORDINAL_POSITION",
    [database],
  );
  const out: PartitionRows[] = [];
  for (const p of parts) {
    const name = String(p.name);
    if (!/^p\d+$/.test(name)) throw new Error(`distribution: unexpected partition name ${name}`);
    // exact counts, one partition at a time (information_schema's TABLE_ROWS is only an estimate)
    const [r] = await pool.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT customer_id) AS customers FROM transactions PARTITION (${name})`,
    );
    out.push({ partition: name, rows: Number(r[0]!.n), customers: Number(r[0]!.customers), host: null });
  }
  return out;
}

async function singlestorePartitions(pool: Pool, database: string): Promise<PartitionRows[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT ORDINAL AS ordinal, CONCAT(HOST, ':', PORT) AS host, SUM(ROWS) AS n
       FROM information_schema.TABLE_STATISTICS
      WHERE DATABASE_NAME = ? AND TABLE_NAME = 'transactions' AND PARTITION_TYPE = 'Master'
      GROUP BY ORDINAL, HOST, PORT ORDER BY ORDINAL`,
    [database],
  );
  return rows.map((r) => ({ partition: `p${r.ordinal}`, rows: Number(r.n), customers: null, host: String(r.host) }));
}
