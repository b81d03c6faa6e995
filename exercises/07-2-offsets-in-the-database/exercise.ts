// Exercise 07-2: exactly once, Kafka → SQL: the input position in the database. Write the part marked
// TODO; check it with
//   bun run exercise check 07-2-offsets-in-the-database
// The check runs this file as a real pipeline process (lib/guarantees/main.ts --protocol), kills it and
// restarts it: keep the function's name and signature.
import { todo } from '../../lib/exercises/missing.ts';
import type { Batch, ExactlyOnceSqlEffects } from '../../lib/guarantees/protocols.ts';

/**
 * One batch of one input partition, already settled (`b.outputs`), must leave two effects: its rows in
 * `guarantee_outputs`, and the input position of `b.topic[b.partition]` moved to `b.next`. Exactly once:
 * after any crash and restart, each input record has exactly one row.
 *
 * What you are given (`fx`):
 * - `fx.connection()`: a connection of the pool, in autocommit until you begin a transaction on it
 *   (`conn.beginTransaction()`, `conn.commit()`, `conn.rollback()`); release it when done;
 * - `fx.insert(conn, b)`: inserts the batch's rows on `conn`;
 * - `fx.storePosition(conn, b)`: moves the partition's position in `guarantee_positions` to `b.next` on
 *   `conn` (compare-and-set: it throws if another process moved it since this one read it). A restarted
 *   process reads its positions from there and seeks to them; it does not look at the group's offsets
 *   once a position is stored;
 * - `fx.commit(b)`: commits the consumer group's offset in Kafka, on its own, at once;
 * - `fx.crash`: the lab's own fault injector; you need not call it (the check crashes this process
 *   from inside the effects, as soon as the first of the two is durable).
 *
 * Below is at least once: the rows in autocommit, then the group's offset in Kafka. A crash between the
 * two writes the batch again: no commit in Kafka can be one with a commit in the database.
 */
export async function exactlyOnceSql(b: Batch, fx: ExactlyOnceSqlEffects): Promise<void> {
  const conn = await fx.connection();
  try {
    await fx.insert(conn, b);
  } finally {
    conn.release();
  }
  await fx.commit(b);
  // TODO: make it exactly once: the rows and the position in ONE database transaction on one connection,
  // committed, or rolled back on any error (then rethrow); the connection released in every case.
  // Replace the lines above, and delete this todo().
  todo('exactlyOnceSql: the rows and the input position in one database transaction');
}
