// How the engine's KEY() partitioning spreads a set of keys for different partition counts: the keys
// go into small scratch tables (one per count) on the same server, are counted per partition, and the
// tables are dropped. MariaDB only; it shows why transactions has 7 partitions rather than 8.
import { randomUUID } from 'node:crypto';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { str } from '../../lib/db/literals.ts';
import { skew } from './distribution.ts';

export type KeySpread = { partitions: number; rows: number[]; skew: number };

export async function probeKeySpread(
  pool: Pool,
  keys: readonly string[],
  counts: readonly number[],
): Promise<KeySpread[]> {
  const out: KeySpread[] = [];
  for (const n of counts) {
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`probe: partition count must be 1..64, got ${n}`);
    const table = `partition_probe_${n}_${randomUUID().slice(0, 8)}`;
    await pool.query(
      `CREATE TABLE ${table} (customer_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, PRIMARY KEY (customer_id)) PARTITION BY KEY (customer_id) PARTITIONS ${n}`,
    );
    try {
      await pool.query(`INSERT INTO ${table} (customer_id) VALUES ${keys.map((k) => `(${str(k)})`).join(',')}`);
      const [rows] = await pool.query<RowDataPacket[]>(
        Array.from({ length: n }, (_, p) => `SELECT ${p} AS p, COUNT(*) AS n FROM ${table} PARTITION (p${p})`).join(
          ' UNION ALL ',
        ),
      );
      const counts = rows.sort((a, b) => Number(a.p) - Number(b.p)).map((r) => Number(r.n));
      out.push({ partitions: n, rows: counts, skew: skew(counts.map((r) => ({ rows: r }))) });
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
  return out;
}
