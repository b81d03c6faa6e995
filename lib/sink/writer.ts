// Writes a batch of validated rows in one database transaction: first each transaction id is claimed
// in `transaction_ids` (unique on the id alone, whoever the customer), then the rows whose ids this
// write claimed go into `transactions`, then the aggregates of exactly the rows that were new.
//
// A batch delivered again (a crash before the offset commit, a rebalance, a producer retry) finds its
// ids claimed with the same payload hash: it inserts nothing and adds nothing, so rows and aggregates
// stay exact under at-least-once delivery. Also correct when a COMMIT's outcome is unknown (the
// connection died after sending it): the retry finds the ids claimed under the earlier batch id.
// An id claimed with another customer or another payload is a conflict: the first write wins, and the
// conflict is returned (the sink sends it to the dead-letter topic) instead of being stored or dropped.
import { randomInt } from 'node:crypto';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Dialect } from '../db/dialect.ts';
import { sqlDatetime } from '../db/literals.ts';
import { loadSkippingDuplicates } from '../db/load-data.ts';
import { aggregateDeltas, aggregateUpserts } from './aggregates.ts';
import { FatalSinkError } from './retry.ts';
import {
  CLAIM_COLUMNS,
  type SinkRow,
  TRANSACTION_COLUMNS,
  byPrimaryKey,
  claimIdsSql,
  claimsSql,
  claimsTsv,
  firstOfEachId,
  payloadSha256,
  primaryKeyMatch,
  transactionsTsv,
  upsertTransactionsSql,
} from './rows.ts';

/** Who holds a transaction id: its customer and payload hash (null for rows stored before claims existed). */
export type Claim = { customer_id: string; payload_sha256: string | null };

/** A row whose transaction id is held by another customer or another payload: not stored. */
export type Conflict = { row: SinkRow; payload_sha256: string; stored: Claim };

export type WriteResult = {
  /** stamped on every row this write inserted (transactions.ingest_batch) */
  batchId: number;
  /** rows handed in */
  rows: number;
  /** rows that were new and are now stored */
  inserted: number;
  /** those rows (their event→row latency is measured, lib/sink/metrics.ts) */
  insertedRows: SinkRow[];
  /** rows already stored with the same payload (or repeated within the batch): left untouched, not counted again */
  duplicates: number;
  /** rows whose id is stored with another customer or payload: not stored, for the dead-letter topic */
  conflicts: Conflict[];
  /** wall time of the database transaction, ms */
  dbMs: number;
};

/** A random id for one write, below 2^53 so it survives JSON and JS numbers. */
export const newBatchId = () => randomInt(1, 2 ** 48);

export type WriteOptions = {
  /**
   * How the claims and the rows travel: `insert` (multi-row INSERT … ON DUPLICATE KEY UPDATE, the SQL
   * every reader can follow) or `load-data` (LOAD DATA LOCAL INFILE … IGNORE from memory, the database's
   * bulk path; the same rows stored, the same counts: a skipped duplicate is the no-op update's twin).
   */
  path?: WritePath;
  /** the database's dialect, for the load-data path's duplicate clause (default mysql) */
  dialect?: Dialect;
  now?: () => number;
};
export type WritePath = 'insert' | 'load-data';

/**
 * Runs one statement that inserts new rows and leaves taken keys alone; returns the rows it inserted.
 * The load-data path also checks that every warning was a skipped duplicate: IGNORE would store a bad
 * value coerced, with a warning, and that must stop the batch rather than change a row.
 */
async function insertNew(
  conn: PoolConnection,
  o: Required<Pick<WriteOptions, 'path' | 'dialect'>>,
  what: string,
  sql: () => string,
  load: () => { table: string; columns: readonly string[]; tsv: Buffer; rows: number },
): Promise<number> {
  if (o.path === 'insert') {
    const [res] = await conn.query<ResultSetHeader>(sql());
    return res.affectedRows;
  }
  const l = load();
  const r = await loadSkippingDuplicates(conn, o.dialect, l.table, l.columns, l.tsv);
  if (r.warnings !== l.rows - r.inserted) {
    const [w] = await conn.query<RowDataPacket[]>('SHOW WARNINGS LIMIT 5');
    throw new FatalSinkError(
      `sink: loading ${what}: ${r.warnings} warnings for ${l.rows - r.inserted} rows skipped as duplicates: ${w.map((x) => `${x.Code} ${x.Message}`).join('; ')}`,
    );
  }
  return r.inserted;
}

export async function writeRows(
  pool: Pool,
  rows: readonly SinkRow[],
  options: WriteOptions = {},
): Promise<WriteResult> {
  const o = { path: options.path ?? 'insert', dialect: options.dialect ?? 'mysql' } as const;
  const now = options.now ?? Date.now;
  const batchId = newBatchId();
  const first = firstOfEachId(rows);
  const sha = new Map(rows.map((r) => [r, payloadSha256(r.tx)]));
  const t0 = performance.now();
  const conn = await pool.getConnection();
  let healthy = true;
  try {
    await conn.query('BEGIN');
    // 1. claim the ids; those claimed before (by an earlier attempt of this batch or by anyone else) are read back
    const claims = first.map((r) => ({ tx: r.tx, sha256: sha.get(r)! }));
    const claimed = await insertNew(
      conn,
      o,
      'claims',
      () => claimIdsSql(claims, batchId),
      () => ({
        table: 'transaction_ids',
        columns: CLAIM_COLUMNS,
        tsv: claimsTsv(claims, batchId),
        rows: claims.length,
      }),
    );
    const held: Held = claimed === first.length ? new Map() : await claimsOf(conn, first);
    const mine = first.filter((r) => (held.get(r.tx.transaction_id)?.batch ?? batchId) === batchId);
    if (mine.length !== claimed)
      throw new FatalSinkError(`sink: batch ${batchId} claimed ${claimed} ids but ${mine.length} carry its id`);

    // 2. the rows of the ids it claimed, sorted by primary key (the order their locks are taken in)
    let fresh: SinkRow[] = [];
    if (mine.length > 0) {
      const sorted = [...mine].sort(byPrimaryKey);
      const at = sqlDatetime(now());
      const inserted = await insertNew(
        conn,
        o,
        'rows',
        () => upsertTransactionsSql(sorted, batchId, at),
        () => ({
          table: 'transactions',
          columns: TRANSACTION_COLUMNS,
          tsv: transactionsTsv(sorted, batchId, at),
          rows: sorted.length,
        }),
      );
      // a row stored before claims existed is claimed now, but not inserted again
      fresh = inserted === sorted.length ? sorted : await insertedBy(conn, sorted, batchId);
      if (fresh.length !== inserted)
        throw new FatalSinkError(
          `sink: batch ${batchId} reported ${inserted} new rows but ${fresh.length} carry its id`,
        );
    }

    // 3. their aggregates
    for (const sql of aggregateUpserts(aggregateDeltas(fresh.map((r) => r.tx)))) await conn.query(sql);
    await conn.query('COMMIT');

    // every other row is a duplicate of the id's holder (same customer and payload) or a conflict with it
    const holder = new Map<string, Claim>(
      first.map((r) => [
        r.tx.transaction_id,
        held.get(r.tx.transaction_id)?.claim ?? { customer_id: r.tx.customer_id, payload_sha256: sha.get(r)! },
      ]),
    );
    const stored = new Set(mine);
    const conflicts: Conflict[] = [];
    for (const r of rows) {
      if (stored.has(r)) continue;
      const h = holder.get(r.tx.transaction_id)!;
      const payload_sha256 = sha.get(r)!;
      // a claim without a hash (a row stored before claims existed) can only be told apart by customer
      const same = h.customer_id === r.tx.customer_id && (h.payload_sha256 ?? payload_sha256) === payload_sha256;
      if (!same) conflicts.push({ row: r, payload_sha256, stored: h });
    }
    return {
      batchId,
      rows: rows.length,
      inserted: fresh.length,
      insertedRows: fresh,
      duplicates: rows.length - fresh.length - conflicts.length,
      conflicts,
      dbMs: performance.now() - t0,
    };
  } catch (e) {
    await conn.query('ROLLBACK').catch(() => {
      healthy = false;
    });
    throw e;
  } finally {
    // a connection that failed mid-transaction is not handed back to the pool
    if (healthy) conn.release();
    else conn.destroy();
  }
}

type Held = Map<string, { batch: number; claim: Claim }>;

/** The stored claims of these rows' ids, with the batch that made each. */
async function claimsOf(conn: PoolConnection, rows: readonly SinkRow[]): Promise<Held> {
  const [found] = await conn.query<RowDataPacket[]>(claimsSql(rows.map((r) => r.tx.transaction_id)));
  return new Map(
    found.map((f) => [
      String(f.transaction_id),
      {
        batch: Number(f.ingest_batch),
        claim: {
          customer_id: String(f.customer_id),
          payload_sha256: f.payload_sha256 === null ? null : String(f.payload_sha256),
        },
      },
    ]),
  );
}

/** The rows of `unique` that this write inserted: they carry its batch id (read inside the same transaction). */
async function insertedBy(conn: PoolConnection, unique: readonly SinkRow[], batchId: number): Promise<SinkRow[]> {
  const [found] = await conn.query<RowDataPacket[]>(
    `SELECT customer_id, transaction_id FROM transactions WHERE ingest_batch = ${batchId} AND (${primaryKeyMatch(unique)})`,
  );
  const ids = new Set(found.map((r) => `${r.customer_id}\u0000${r.transaction_id}`));
  return unique.filter((r) => ids.has(`${r.tx.customer_id}\u0000${r.tx.transaction_id}`));
}
