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

async function withConnection<T>(db: DbUrl, f: (c: mysql.Connection) => Promise<T>): Promise<T> {
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

/** The server accepts a login and answers SELECT 1. */
export async function dbAnswers(db: DbUrl): Promise<boolean> {
  try {
    // no bare TCP probe first: MariaDB logs every connection that closes before logging in
    return await withConnection(db, async (c) => {
      const [rows] = await c.query('SELECT 1 AS one');
      return Array.isArray(rows) && rows.length === 1;
    });
  } catch {
    return false;
  }
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
    ready: () => dbAnswers(db),
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
      await withConnection(db, (c) =>
        c.query(`CREATE DATABASE IF NOT EXISTS \`${db.database.replaceAll('`', '``')}\``),
      );
    },
  };
}
