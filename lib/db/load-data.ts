// The database's own bulk path: LOAD DATA LOCAL INFILE with the rows streamed from memory as
// tab-separated text (MariaDB, MySQL and SingleStore all take it). The benchmark measures the sink
// against it. `tsvField` escapes as LOAD DATA's defaults read (\t, \n, \\ escaped; \N is NULL).
import { Readable } from 'node:stream';
import mysql, { type ResultSetHeader } from 'mysql2/promise';
import { dbTarget, poolOptions } from './connect.ts';

export function tsvField(v: string | number | bigint | null): string {
  if (v === null) return '\\N';
  if (typeof v !== 'string') return String(v);
  return v.replace(/[\\\t\n\r\0]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\0',
  );
}

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
