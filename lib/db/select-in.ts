// `SELECT ... WHERE key IN (?)` for any number of keys: sent in chunks, so one statement never grows
// past what the server takes (max_allowed_packet) or what the optimizer handles well.
import type { Pool, RowDataPacket } from 'mysql2/promise';

const CHUNK = 500;

/** Runs `sql` (with one `IN (?)` placeholder) once per chunk of `keys`; the rows of every chunk, in order. */
export async function selectIn<R extends RowDataPacket>(
  pool: Pool,
  sql: string,
  keys: readonly string[],
): Promise<R[]> {
  if (!sql.includes('IN (?)')) throw new Error(`selectIn: the statement has no IN (?) placeholder: ${sql}`);
  const out: R[] = [];
  for (let i = 0; i < keys.length; i += CHUNK) {
    const [rows] = await pool.query<R[]>(sql, [keys.slice(i, i + CHUNK)]);
    out.push(...rows);
  }
  return out;
}
