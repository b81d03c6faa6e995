// A plausible wrong answer to exercise 07-2 (the tests check that its check fails on it): the reference
// solution with the position stored after the rows' transaction has committed, in a statement of its
// own (autocommit): a crash between the two writes the batch again.
import type { Batch, ExactlyOnceSqlEffects } from '../../lib/guarantees/protocols.ts';

export async function exactlyOnceSql(b: Batch, fx: ExactlyOnceSqlEffects): Promise<void> {
  const conn = await fx.connection();
  try {
    await conn.beginTransaction();
    // 1. the rows, in a transaction
    await fx.insert(conn, b);
    await conn.commit();
    // 2. (wrong) the position, on the same connection but after the commit: in a transaction of its own
    await fx.storePosition(conn, b);
  } catch (e) {
    await conn.rollback().catch(() => {});
    throw e;
  } finally {
    conn.release();
  }
}
