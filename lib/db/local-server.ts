// A MariaDB server of our own as a child process: its data directory installed on first use, started on
// a given port, stopped (SIGTERM: clean shutdown) or killed (SIGKILL: a crash). Lab 04's Spider leaves
// and the database-outage test use it; the shared embedded database is lib/stack's, not this.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import mysql from 'mysql2/promise';
import { waitUntil } from '../wait.ts';

const SBIN = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/usr/local/mysql/bin'];
const tool = (name: string) => SBIN.map((d) => join(d, name)).find(existsSync) ?? Bun.which(name) ?? name;
const asRoot = () => (process.getuid?.() === 0 ? ['--user=root'] : []); // mariadbd refuses root unless told
const SMALL = ['--innodb-log-file-size=32M', '--innodb-buffer-pool-size=128M'];

export type LocalServer = {
  port: number;
  dir: string;
  url: (database: string) => string;
  start(): Promise<void>;
  stop(): Promise<void>;
  kill(): Promise<void>;
};

export function localMariadb(dir: string, port: number): LocalServer {
  const dataDir = join(dir, 'data');
  let proc: Subprocess | undefined;
  const answers = async () => {
    try {
      const c = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 });
      await c.end();
      return true;
    } catch {
      return undefined;
    }
  };
  const exited = async () => {
    await proc?.exited;
    proc = undefined;
  };
  return {
    port,
    dir,
    url: (database) => `mysql://root@127.0.0.1:${port}/${database}`,
    async start() {
      const installed = join(dir, 'installed');
      if (!existsSync(installed)) {
        mkdirSync(dataDir, { recursive: true });
        const install = Bun.spawn(
          [
            tool('mariadb-install-db'),
            '--no-defaults',
            `--datadir=${dataDir}`,
            '--auth-root-authentication-method=normal',
            '--skip-test-db',
            ...asRoot(),
            ...SMALL,
          ],
          { stdout: 'ignore', stderr: 'pipe' },
        );
        if ((await install.exited) !== 0)
          throw new Error(
            `mariadb-install-db for ${dataDir} failed: ${(await new Response(install.stderr).text()).slice(-500)}`,
          );
        writeFileSync(installed, `${new Date().toISOString()}\n`);
      }
      if (await answers())
        throw new Error(`port ${port} already answers as a database server: stop it, or choose other ports`);
      proc = Bun.spawn(
        [
          tool('mariadbd'),
          '--no-defaults',
          `--datadir=${dataDir}`,
          `--socket=${join(dir, 'mariadb.sock')}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          ...asRoot(),
          '--skip-name-resolve',
          ...SMALL,
          `--log-error=${join(dir, 'error.log')}`,
          `--pid-file=${join(dir, 'mariadb.pid')}`,
        ],
        { stdout: 'ignore', stderr: 'ignore' },
      );
      const started = proc;
      await waitUntil(
        `MariaDB on port ${port} (log: ${join(dir, 'error.log')})`,
        async () => {
          if (started.exitCode !== null)
            throw new Error(
              `mariadbd on port ${port} exited with code ${started.exitCode}: see ${join(dir, 'error.log')}`,
            );
          return answers();
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    },
    async stop() {
      proc?.kill('SIGTERM');
      await exited();
    },
    async kill() {
      proc?.kill('SIGKILL');
      await exited();
    },
  };
}
