// A SingleStore-like layout on MariaDB: leaf servers that hold the rows, and on the aggregator (the
// pipeline's database) a Spider table that partitions by KEY(customer_id) across them. A query that
// names a customer goes to one leaf; any other fans out to all of them, and Spider merges the answers
// (pushing conditions and aggregates down). The leaves are lab 04's own mariadbd processes.
import { join } from 'node:path';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import type { Db } from '../../lib/db/connect.ts';
import { type LocalServer, localMariadb } from '../../lib/db/local-server.ts';
import { migrationFiles } from '../../lib/db/migrate.ts';
import { TRANSACTION_COLUMNS } from '../../lib/sink/rows.ts';

export const SPIDER_TABLE = 'transactions_spider';

export async function spiderAvailable(db: Db): Promise<boolean> {
  if (db.dialect !== 'mysql') return false;
  const [rows] = await db.pool.query<RowDataPacket[]>(
    "SELECT SUPPORT FROM information_schema.ENGINES WHERE ENGINE = 'SPIDER'",
  );
  return ['YES', 'DEFAULT'].includes(String(rows[0]?.SUPPORT ?? ''));
}

export type Leaf = { name: string; server: LocalServer };

export function leaves(stackDir: string, ports: readonly number[]): Leaf[] {
  return ports.map((port, i) => ({
    name: `leaf${i + 1}`,
    server: localMariadb(join(stackDir, 'leaves', `leaf-${i + 1}`), port),
  }));
}

/** The CREATE TABLE of sql/mysql/001 without its partitioning: what each leaf holds. */
function leafDdl(): string {
  const stmt = migrationFiles('mysql').find((f) => f.name === '001_transactions.sql')!.statements[0]!;
  return stmt.replace(/\)\s*ENGINE\s*=\s*InnoDB[\s\S]*$/i, ') ENGINE = InnoDB');
}

const serverName = (database: string, leaf: Pick<Leaf, 'name'>) => `${database}_${leaf.name}`.slice(0, 64);

/** Removes the aggregator's server definitions for a database's leaves (tests clean up after themselves). */
export async function dropSpiderServers(db: Db, count: number): Promise<void> {
  for (let i = 1; i <= count; i++)
    await db.pool.query(`DROP SERVER IF EXISTS ${serverName(db.database, { name: `leaf${i}` })}`);
}

/**
 * Creates the table on every leaf and the Spider table on the aggregator (idempotent: servers are
 * redefined, tables created if missing). The leaf database has the aggregator database's name.
 */
export async function setupSpider(db: Db, ls: readonly Leaf[]): Promise<void> {
  for (const leaf of ls) {
    const c = await mysql.createConnection({ host: '127.0.0.1', port: leaf.server.port, user: 'root' });
    try {
      await c.query(`CREATE DATABASE IF NOT EXISTS \`${db.database}\``);
      await c.query(`USE \`${db.database}\``);
      await c.query(leafDdl());
    } finally {
      await c.end();
    }
    await db.pool.query(`DROP SERVER IF EXISTS ${serverName(db.database, leaf)}`);
    await db.pool.query(
      `CREATE SERVER ${serverName(db.database, leaf)} FOREIGN DATA WRAPPER mysql OPTIONS (HOST '127.0.0.1', PORT ${leaf.server.port}, USER 'root', DATABASE '${db.database}')`,
    );
  }
  const partitions = ls
    .map((leaf) => `PARTITION ${leaf.name} COMMENT = 'srv "${serverName(db.database, leaf)}"'`)
    .join(', ');
  const ddl = leafDdl()
    .replace(/^CREATE TABLE IF NOT EXISTS transactions/, `CREATE TABLE IF NOT EXISTS ${SPIDER_TABLE}`)
    .replace(
      /ENGINE = InnoDB$/,
      `ENGINE = SPIDER COMMENT = 'wrapper "mysql", table "transactions"' PARTITION BY KEY (customer_id) (${partitions})`,
    );
  await db.pool.query(ddl);
}

/** Copies up to `rows` of the bulk-loaded rows onto the leaves through the Spider table (skipping those already there). */
export async function fillSpider(db: Db, rows: number): Promise<{ copied: number; total: number }> {
  const count = async () =>
    Number((await db.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${SPIDER_TABLE}`))[0][0]!.n);
  const before = await count();
  if (before < rows) {
    const cols = TRANSACTION_COLUMNS.join(',');
    // ordered by the random transaction id: a random sample of customers, the same one every run
    await db.pool.query(
      `INSERT IGNORE INTO ${SPIDER_TABLE} (${cols}) SELECT ${cols} FROM transactions WHERE kafka_partition IS NULL ORDER BY transaction_id LIMIT ${Math.floor(rows)}`,
    );
  }
  const total = await count();
  return { copied: total - before, total };
}

/** Rows on each leaf, asked of the leaf itself. */
export async function leafRows(db: Db, ls: readonly Leaf[]): Promise<{ leaf: string; port: number; rows: number }[]> {
  const out = [];
  for (const leaf of ls) {
    const c = await mysql.createConnection({
      host: '127.0.0.1',
      port: leaf.server.port,
      user: 'root',
      database: db.database,
    });
    try {
      const [r] = await c.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM transactions');
      out.push({ leaf: leaf.name, port: leaf.server.port, rows: Number(r[0]!.n) });
    } finally {
      await c.end();
    }
  }
  return out;
}

/** How many SELECTs each leaf received while `f` ran: which leaves a query reached. */
export async function selectsPerLeaf<T>(
  ls: readonly Leaf[],
  f: () => Promise<T>,
): Promise<{ result: T; selects: number[] }> {
  const conns = await Promise.all(
    ls.map((l) => mysql.createConnection({ host: '127.0.0.1', port: l.server.port, user: 'root' })),
  );
  try {
    const read = () =>
      Promise.all(
        conns.map(async (c) =>
          Number((await c.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Com_select'"))[0][0]!.Value),
        ),
      );
    const before = await read();
    const result = await f();
    const after = await read();
    return { result, selects: after.map((a, i) => a - before[i]!) };
  } finally {
    await Promise.all(conns.map((c) => c.end()));
  }
}
