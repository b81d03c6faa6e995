// Reference solution of exercise 07-2 (read it after trying: `bun run exercise solution 07-2-offsets-in-the-database`).
import type { Batch, ExactlyOnceSqlEffects } from '../../lib/guarantees/protocols.ts';

export async function exactlyOnceSql(b: Batch, fx: ExactlyOnceSqlEffects): Promise<void> {
  const conn = await fx.connection();
  try {
    await conn.beginTransaction();
    // 1. the rows, and 2. the position, on the same connection, in the same transaction
    await fx.insert(conn, b);
    await fx.storePosition(conn, b); // throws if another process moved it: a zombie stops here
    // 3. both at once, or (a crash before this returns: the server rolls it back) neither
    await conn.commit();
  } catch (e) {
    await conn.rollback().catch(() => {});
    throw e;
  } finally {
    conn.release();
  }
}
