// The embedded MariaDB, from the OS packages: system tables installed on first start, the server run
// with its data under the stack dir, and the database named in DATABASE_URL created once it answers.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import type { Config } from '../config.ts';
import type { Command, Engine } from './engine.ts';
import { StackError } from '../errors.ts';
import { type DbUrl, installDbArgs, mariadbdArgs, parseDbUrl } from './mariadb-config.ts';
import { runStep, which } from './tools.ts';
import { APP_USER, EXPORTER_USER, ensureCredentials } from '../db/credentials.ts';

const INSTALL_HINT =
  'install MariaDB (e.g. `apt-get install mariadb-server`), or set DATABASE_URL=mysql://user@host:port/db to use your own database';
const SBIN = ['/usr/sbin', '/usr/local/sbin', '/usr/local/mysql/bin'];
const PLUGIN_DIRS = ['/usr/lib/mysql/plugin', '/usr/lib64/mysql/plugin', '/usr/local/mysql/lib/plugin'];

/** On PATH, or in an sbin folder that a normal user's PATH often lacks. */
function findTool(name: string): string {
  const path = which(name) ?? SBIN.map((d) => join(d, name)).find((p) => existsSync(p));
  if (path === undefined) throw new StackError(`stack: \`${name}\` not found: ${INSTALL_HINT}`);
  return path;
}

async function withConnection<T>(db: Omit<DbUrl, 'database'>, f: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    connectTimeout: 2_000,
  });
  try {
    return await f(c);
  } finally {
    await c.end().catch(() => {});
  }
}

const ACCESS_DENIED = 1045;
const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

/** The server accepts a login and answers SELECT 1 (a server that refuses these credentials answers too, with `accessDenied`). */
export async function dbAnswers(db: Omit<DbUrl, 'database'>, accessDenied = false): Promise<boolean> {
  try {
    // no bare TCP probe first: MariaDB logs every connection that closes before logging in
    return await withConnection(db, async (c) => {
      const [rows] = await c.query('SELECT 1 AS one');
      return Array.isArray(rows) && rows.length === 1;
    });
  } catch (e) {
    return accessDenied && (e as { errno?: number }).errno === ACCESS_DENIED;
  }
}

/**
 * Locks the embedded server down and lets the labs in: root gets its generated password (the first
 * time: a fresh install has none), anonymous and password-less accounts are dropped, and the app user
 * may do anything inside the `txlab…` databases (the tests' and benchmarks' are `txlab_<prefix>`) and
 * define Spider's remote servers (lab 04), nothing else; the exporter user (Prometheus' mysqld-exporter)
 * may read the server's status and performance_schema, nothing else. Idempotent: runs after every start.
 */
async function secure(db: DbUrl, stackDir: string): Promise<void> {
  const creds = ensureCredentials(stackDir);
  const root = { host: db.host, port: db.port, user: 'root' };
  const fresh = !(await dbAnswers({ ...root, password: creds.root }));
  await withConnection({ ...root, password: fresh ? '' : creds.root }, async (c) => {
    const [accounts] = await c.query<mysql.RowDataPacket[]>('SELECT User AS user, Host AS host FROM mysql.user');
    for (const a of accounts) {
      const who = `${c.escape(a.user)}@${c.escape(a.host)}`;
      // the server listens on loopback only: root elsewhere (root@<hostname>) and anonymous accounts go
      if (a.user === 'root' && LOOPBACK.includes(a.host))
        await c.query(`ALTER USER ${who} IDENTIFIED BY ${c.escape(creds.root)}`);
      else if (a.user === 'root' || a.user === '') await c.query(`DROP USER ${who}`);
    }
    for (const host of LOOPBACK) {
      const who = `${c.escape(APP_USER)}@${c.escape(host)}`;
      await c.query(`CREATE USER IF NOT EXISTS ${who} IDENTIFIED BY ${c.escape(creds.app)}`);
      await c.query(`ALTER USER ${who} IDENTIFIED BY ${c.escape(creds.app)}`);
      await c.query(`GRANT ALL PRIVILEGES ON \`txlab%\`.* TO ${who}`);
      await c.query(`GRANT FEDERATED ADMIN ON *.* TO ${who}`);
      const exporter = `${c.escape(EXPORTER_USER)}@${c.escape(host)}`;
      await c.query(`CREATE USER IF NOT EXISTS ${exporter} IDENTIFIED BY ${c.escape(creds.exporter)}`);
      await c.query(`ALTER USER ${exporter} IDENTIFIED BY ${c.escape(creds.exporter)} WITH MAX_USER_CONNECTIONS 3`);
      // SHOW GLOBAL STATUS/VARIABLES need nothing; InnoDB's tables need PROCESS (no SLAVE MONITOR: the
      // exporter runs with --no-collect.slave_status)
      await c.query(`GRANT PROCESS, REPLICATION CLIENT ON *.* TO ${exporter}`);
      await c.query(`GRANT SELECT ON performance_schema.* TO ${exporter}`);
    }
    await c.query(`CREATE DATABASE IF NOT EXISTS \`${db.database.replaceAll('`', '``')}\``);
  });
}

export function mariadbEngine(cfg: Config): Engine {
  const db = parseDbUrl(cfg.db.url);
  const dir = join(cfg.stackDir, 'mariadb');
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'error.log');
  const pidFile = join(dir, 'mariadb.pid'); // mariadbd writes its own pid here too
  return {
    name: 'db',
    label: cfg.db.managed ? 'mariadb' : 'db',
    managed: cfg.db.managed,
    endpoint: `${db.host}:${db.port}/${db.database}`,
    envVar: 'DATABASE_URL',
    host: db.host,
    ports: [
      {
        port: db.port,
        what: 'MariaDB',
        alternative: `set DATABASE_URL=mysql://user@${db.host}:${db.port}/${db.database} to use that database instead`,
      },
    ],
    dir,
    logFile,
    pidFile,
    markers: [`--datadir=${dataDir}`],
    startTimeoutMs: 60_000,
    stopTimeoutMs: 60_000,
    dataPaths: [dataDir, join(dir, 'installed'), logFile, join(dir, 'setup.log')],
    // the embedded server answers whoever asks (a refused login is an answer); an external one must take its URL's login
    ready: () => (cfg.db.managed ? dbAnswers({ ...db, user: 'root', password: '' }, true) : dbAnswers(db)),
    async prepare(): Promise<Command> {
      const mariadbd = findTool('mariadbd');
      const asRoot = process.getuid?.() === 0;
      const installed = join(dir, 'installed'); // written last, so a failed install is redone from scratch
      if (!existsSync(installed)) {
        rmSync(dataDir, { recursive: true, force: true });
        mkdirSync(dataDir, { recursive: true });
        await runStep(
          'installing the MariaDB system tables',
          findTool('mariadb-install-db'),
          installDbArgs({ dataDir, asRoot }),
          {
            logFile: join(dir, 'setup.log'),
          },
        );
        writeFileSync(installed, `${new Date().toISOString()}\n`);
      }
      const spiderPluginDir = PLUGIN_DIRS.find((d) => existsSync(join(d, 'ha_spider.so')));
      const args = mariadbdArgs({
        dataDir,
        socket: join(dir, 'mariadb.sock'),
        pidFile,
        logFile,
        host: db.host,
        port: db.port,
        asRoot,
        spiderPluginDir,
      });
      return { cmd: mariadbd, args };
    },
    async afterReady() {
      if (cfg.db.managed) await secure(db, cfg.stackDir);
      else
        await withConnection(db, (c) =>
          c.query(`CREATE DATABASE IF NOT EXISTS \`${db.database.replaceAll('`', '``')}\``),
        );
    },
  };
}
