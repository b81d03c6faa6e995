// The database's own bulk path: LOAD DATA LOCAL INFILE with the rows streamed from memory as
// tab-separated text (MariaDB, MySQL and SingleStore all take it). The benchmark measures the sink
// against it, and the sink writes through it (lib/sink/writer.ts).
import { Readable } from 'node:stream';
import mysql, { type PoolConnection, type ResultSetHeader } from 'mysql2/promise';
import { dbTarget, poolOptions } from './connect.ts';

const CHUNK = 1 << 20;

/** Loads `tsv` (one row per line, columns in `columns` order) into `table`; returns the rows loaded. */
export async function loadDataInfile(
  url: string,
  table: string,
  columns: readonly string[],
  tsv: Buffer,
): Promise<number> {
  const conn = await mysql.createConnection({
    ...poolOptions(dbTarget(url), 1),
    infileStreamFactory: () =>
      Readable.from(
        (function* () {
          for (let i = 0; i < tsv.length; i += CHUNK) yield tsv.subarray(i, i + CHUNK);
        })(),
      ),
  });
  try {
    const [res] = await conn.query<ResultSetHeader>(
      `LOAD DATA LOCAL INFILE 'rows.tsv' INTO TABLE ${table} (${columns.join(',')})`,
    );
    return res.affectedRows;
  } finally {
    await conn.end().catch(() => {});
  }
}

/** What LOAD DATA reported: rows it inserted, and warnings (one per row it skipped as a duplicate key, and any other). */
export type LoadResult = { inserted: number; warnings: number };

/**
 * LOAD DATA LOCAL INFILE of `tsv` into `table` on `conn`, inside the transaction open on it, skipping a
 * row whose unique key is already taken (MariaDB/MySQL `IGNORE`, SingleStore `SKIP DUPLICATE KEY
 * ERRORS`), as `INSERT … ON DUPLICATE KEY UPDATE` with a no-op leaves it. MySQL's IGNORE also turns a bad
 * value into a warning and stores it coerced, so the caller must check `warnings` against the rows skipped.
 */
export async function loadSkippingDuplicates(
  conn: PoolConnection,
  dialect: 'mysql' | 'singlestore',
  table: string,
  columns: readonly string[],
  tsv: Buffer,
): Promise<LoadResult> {
  const skip = dialect === 'mysql' ? 'IGNORE' : 'SKIP DUPLICATE KEY ERRORS';
  const [res] = await conn.query<ResultSetHeader>({
    sql: `LOAD DATA LOCAL INFILE 'rows.tsv' ${skip} INTO TABLE ${table} (${columns.join(',')})`,
    infileStreamFactory: () => Readable.from([tsv]),
  });
  return { inserted: res.affectedRows, warnings: res.warningStatus };
}
