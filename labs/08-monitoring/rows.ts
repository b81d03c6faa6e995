// What lab 08's run stored: the rows at or after the offsets its stream started from.
import type { Pool, RowDataPacket } from 'mysql2/promise';

export type OffsetFloor = { partition: number; offset: number };

export async function rowsSince(pool: Pool, floors: readonly OffsetFloor[]) {
  const where = floors.length
    ? floors
        .map((f) => `(kafka_partition = ${Math.trunc(f.partition)} AND kafka_offset >= ${Math.trunc(f.offset)})`)
        .join(' OR ')
    : 'FALSE';
  const [[row]] = await pool.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS stored, COUNT(DISTINCT transaction_id) AS distinct_ids FROM transactions WHERE ${where}`,
  );
  return { stored: Number(row?.stored ?? 0), distinct_ids: Number(row?.distinct_ids ?? 0) };
}
