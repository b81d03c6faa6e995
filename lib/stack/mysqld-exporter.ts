// Prometheus' view of the embedded MariaDB: Debian's prometheus-mysqld-exporter on its own loopback
// port, logging in as the `exporter` user (status only, see mariadb.ts) through a 0600 my.cnf beside
// it, so the password is never on a command line. Not run for a database of your own (DATABASE_URL).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, EMBEDDED } from '../config.ts';
import { EXPORTER_USER, ensureCredentials } from '../db/credentials.ts';
import { MONITORING } from '../monitoring/ports.ts';
import type { Command, Engine } from './engine.ts';
import { StackError } from '../errors.ts';
import { httpAnswers, which } from './tools.ts';

/** The [client] section the exporter reads (0.14 takes host, port, user and password from it). */
export function exporterMyCnf(c: { host: string; port: number; user: string; password: string }): string {
  return `[client]\nhost=${c.host}\nport=${c.port}\nuser=${c.user}\npassword=${c.password}\n`;
}

export function mysqldExporterEngine(cfg: Config): Engine {
  const dir = join(cfg.stackDir, 'mysqld-exporter');
  const myCnf = join(dir, 'my.cnf');
  const { host, mysqldExporterPort: port } = MONITORING;
  const db = new URL(EMBEDDED.databaseUrl);
  return {
    name: 'mysqld-exporter',
    label: 'mysqld-exporter',
    managed: true,
    endpoint: `http://${host}:${port}/metrics`,
    host,
    ports: [{ port, what: 'mysqld-exporter' }],
    dir,
    logFile: join(dir, 'mysqld-exporter.log'),
    pidFile: join(dir, 'mysqld-exporter.pid'),
    markers: [`--config.my-cnf=${myCnf}`],
    startTimeoutMs: 30_000,
    stopTimeoutMs: 10_000,
    dataPaths: [myCnf, join(dir, 'mysqld-exporter.log')],
    ready: () => httpAnswers(`http://${host}:${port}/metrics`),
    async prepare(): Promise<Command> {
      const exporter = which('prometheus-mysqld-exporter') ?? which('mysqld_exporter');
      if (exporter === undefined)
        throw new StackError(
          'stack: `prometheus-mysqld-exporter` not found: install it (e.g. `apt-get install prometheus-mysqld-exporter`, or run `bash scripts/setup.sh`)',
        );
      const password = ensureCredentials(cfg.stackDir).exporter; // its account is made by mariadb.ts once MariaDB is up
      const cnf = exporterMyCnf({ host: db.hostname, port: Number(db.port), user: EXPORTER_USER, password });
      writeFileSync(myCnf, cnf, { mode: 0o600 });
      return {
        cmd: exporter,
        args: [`--config.my-cnf=${myCnf}`, `--web.listen-address=${host}:${port}`, '--no-collect.slave_status'],
      };
    },
  };
}
