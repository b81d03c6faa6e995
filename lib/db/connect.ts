// Connections to the pipeline's database, from DATABASE_URL: one pool per process, with the settings
// every part of the sink relies on, and the dialect detected from the server itself.
import mysql, { type Pool, type PoolOptions, type RowDataPacket } from 'mysql2/promise';
import { EMBEDDED, config } from '../config.ts';
import { APP_USER, readCredentials } from './credentials.ts';
import { type Dialect, dialectOf, serverName } from './dialect.ts';

export type Db = {
  pool: Pool;
  dialect: Dialect;
  database: string;
  /** e.g. `MariaDB 10.11.19 at 127.0.0.1:3307/txlab` */
  server: string;
};

export type DbTarget = { host: string; port: number; user: string; password: string; database: string };

/**
 * mysql://user[:password]@host[:port]/database (mariadb:// and singlestore:// too) → its parts. The
 * embedded server's app user comes without a password in the URL: it is read from the stack dir.
 */
export function dbTarget(url: string): DbTarget {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!u.hostname || !database) throw new Error(`db: expected mysql://user[:password]@host:port/database, got ${url}`);
  const t = {
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username) || 'root',
    password: decodeURIComponent(u.password),
    database,
  };
  if (!t.password && isEmbedded(t)) t.password = readCredentials(config().stackDir)?.app ?? '';
  return t;
}

/** The embedded MariaDB's app user (any of its databases): its password lives under the stack dir. */
function isEmbedded(t: { host: string; port: number; user: string }): boolean {
  const e = new URL(EMBEDDED.databaseUrl);
  return t.user === APP_USER && t.host === e.hostname && t.port === Number(e.port);
}

/**
 * Pool settings the sink depends on:
 * - FOUND_ROWS off, so `INSERT ... ON DUPLICATE KEY UPDATE` reports 0 affected rows for a duplicate
 *   (with it on, mysql2's default, a duplicate counts as 1 and new rows could not be told apart);
 * - DATETIME read back as the stored text (`dateStrings`): every time in the tables is UTC, and no
 *   time-zone conversion may touch it; DECIMAL sums read as numbers (they are exact below 2^53);
 * - no stack trace captured per query (`trace: false`): mysql2 does it for every query so an error's stack
 *   shows the caller, and at 2,000 rows/s it was 9 % of the sink's CPU (a profile of lab 03). Our errors
 *   name the batch and what failed themselves.
 */
export function poolOptions(t: DbTarget, connections: number, withDatabase = true): PoolOptions {
  return {
    host: t.host,
    port: t.port,
    user: t.user,
    password: t.password || undefined,
    database: withDatabase ? t.database : undefined,
    connectionLimit: connections,
    flags: ['-FOUND_ROWS'],
    dateStrings: true,
    decimalNumbers: true,
    timezone: 'Z',
    connectTimeout: 5_000,
    maxPreparedStatements: 64,
    trace: false,
  };
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(database)) throw new Error(`db: refusing database name ${JSON.stringify(database)}`);
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const quoteIdent = (name: string) => `\`${name.replaceAll('`', '``')}\``;

/** Creates the database named in the URL if it is missing (labs and tests may name a new one). */
export async function ensureDatabase(url: string): Promise<void> {
  const t = dbTarget(url);
  const c = await mysql.createConnection(poolOptions(t, 1, false));
  try {
    await c.query(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(t.database)}`);
  } finally {
    await c.end().catch(() => {});
  }
}

/** Drops a database (tests clean up the ones they made). */
export async function dropDatabase(url: string): Promise<void> {
  const t = dbTarget(url);
  const c = await mysql.createConnection(poolOptions(t, 1, false));
  try {
    await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(t.database)}`);
  } finally {
    await c.end().catch(() => {});
  }
}

/** Asks the server what it is, then opens a pool on the URL's database with settings for that dialect. */
export async function openDb(url: string, connections = 4): Promise<Db> {
  const t = dbTarget(url);
  const probe = await mysql.createConnection(poolOptions(t, 1));
  let server: { version: string; comment: string; singlestoreVersion?: string };
  try {
    const [rows] = await probe.query<RowDataPacket[]>('SELECT @@version AS version, @@version_comment AS comment');
    server = { version: String(rows[0]?.version ?? ''), comment: String(rows[0]?.comment ?? '') };
    if (dialectOf(server) === 'singlestore') {
      const [v] = await probe.query<RowDataPacket[]>('SELECT @@memsql_version AS v');
      server.singlestoreVersion = String(v[0]?.v ?? '?');
    }
  } finally {
    await probe.end().catch(() => {});
  }
  const dialect = dialectOf(server);
  const pool = mysql.createPool(poolOptions(t, connections));
  if (dialect === 'mysql') {
    // an ingest transaction needs no gap locks: READ COMMITTED avoids lock waits between sinks writing
    // neighbouring keys (SingleStore only runs READ COMMITTED, so it needs no setting)
    pool.pool.on('connection', (c) => {
      c.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', (err: Error | null) => {
        if (err) console.error(`db: could not set READ COMMITTED on a new connection: ${err.message}`);
      });
    });
  }
  return { pool, dialect, database: t.database, server: `${serverName(server)} at ${t.host}:${t.port}/${t.database}` };
}

export async function withDb<T>(url: string, f: (db: Db) => Promise<T>, connections = 4): Promise<T> {
  const db = await openDb(url, connections);
  try {
    return await f(db);
  } finally {
    await db.pool.end().catch(() => {});
  }
}
