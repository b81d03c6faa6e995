// The embedded MariaDB's command line, and the parts of a DATABASE_URL the stack needs. Settings suit a
// lab on one machine: a 1 GB buffer pool, durable commits (flush at every commit), room for big batches.

export interface DbUrl {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** mysql://user[:password]@host[:port]/database → parts (port 3306 when absent). */
export function parseDbUrl(url: string): DbUrl {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!u.hostname || !database) throw new Error(`expected mysql://user[:password]@host:port/database, got "${url}"`);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username) || 'root',
    password: decodeURIComponent(u.password),
    database,
  };
}

export interface MariadbPaths {
  dataDir: string;
  socket: string;
  pidFile: string;
  logFile: string;
}

export interface MariadbServer extends MariadbPaths {
  host: string;
  port: number;
  /** run as root: mariadbd and mariadb-install-db refuse to unless told --user=root */
  asRoot: boolean;
  /** the folder holding ha_spider.so, when the Spider plugin is installed */
  spiderPluginDir?: string;
}

const userArg = (asRoot: boolean) => (asRoot ? ['--user=root'] : []); // otherwise it runs as whoever starts it

export function installDbArgs(p: { dataDir: string; asRoot: boolean }): string[] {
  return [
    '--no-defaults',
    `--datadir=${p.dataDir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    ...userArg(p.asRoot),
  ];
}

export function mariadbdArgs(s: MariadbServer): string[] {
  const spider = s.spiderPluginDir ? [`--plugin-dir=${s.spiderPluginDir}`, '--plugin-load-add=ha_spider.so'] : [];
  return [
    '--no-defaults', // must come first: ignore /etc/mysql, so the machine's own MariaDB config cannot leak in
    `--datadir=${s.dataDir}`,
    `--socket=${s.socket}`,
    `--port=${s.port}`,
    `--bind-address=${s.host}`,
    ...userArg(s.asRoot),
    `--pid-file=${s.pidFile}`,
    `--log-error=${s.logFile}`,
    '--skip-name-resolve', // mariadb-install-db creates root@127.0.0.1 and root@::1 as well as root@localhost
    '--innodb-buffer-pool-size=1G',
    '--innodb-log-file-size=256M',
    '--innodb-flush-log-at-trx-commit=1',
    '--max-allowed-packet=64M',
    '--max-connections=500',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_general_ci',
    ...spider,
  ];
}
