// Nobody in who should not be: the embedded MariaDB refuses root without its password, the labs' user
// works only inside the txlab… databases, and the credentials and the server's socket are this user's
// alone. The compose file publishes nothing beyond loopback and commits no password.
import { describe, expect, test } from 'bun:test';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { EMBEDDED, PROJECT_ROOT, config } from '../config.ts';
import { APP_USER, EXPORTER_USER, credentialsFile, readCredentials } from '../db/credentials.ts';
import { useEngines } from '../testing/engines.ts';
import { testPrefix } from '../testing/isolation.ts';

useEngines('db');

const server = () => {
  const u = new URL(EMBEDDED.databaseUrl);
  return { host: u.hostname, port: Number(u.port) };
};
/** The error number a login or statement fails with, or 0 when it succeeds. */
async function errnoOf(user: string, password: string, sql?: string): Promise<number> {
  try {
    const c = await mysql.createConnection({ ...server(), user, password, connectTimeout: 2_000 });
    try {
      if (sql) await c.query(sql);
    } finally {
      await c.end();
    }
    return 0;
  } catch (e) {
    return (e as { errno?: number }).errno ?? -1;
  }
}

describe.skipIf(!config().db.managed)('the embedded MariaDB', () => {
  test('refuses root and the labs’ user without their passwords', async () => {
    expect({ root: await errnoOf('root', ''), app: await errnoOf(APP_USER, '') }).toEqual({ root: 1045, app: 1045 });
  });

  test('lets the labs’ user work in a txlab… database and nowhere else', async () => {
    const { app } = readCredentials(config().stackDir)!;
    const mine = `txlab_${testPrefix('security')}`;
    const other = `other_${testPrefix('security')}`;
    expect({
      createMine: await errnoOf(APP_USER, app, `CREATE DATABASE ${mine}`),
      dropMine: await errnoOf(APP_USER, app, `DROP DATABASE ${mine}`),
      createOther: await errnoOf(APP_USER, app, `CREATE DATABASE ${other}`),
      readUsers: await errnoOf(APP_USER, app, 'SELECT * FROM mysql.user'),
      grant: await errnoOf(APP_USER, app, `GRANT ALL ON *.* TO ${APP_USER}@'127.0.0.1'`),
    }).toEqual({ createMine: 0, dropMine: 0, createOther: 1044, readUsers: 1142, grant: 1045 });
  });

  test('lets the exporter read the server’s status and no data', async () => {
    const { exporter } = readCredentials(config().stackDir)!;
    expect({
      noPassword: await errnoOf(EXPORTER_USER, ''),
      status: await errnoOf(EXPORTER_USER, exporter!, 'SHOW GLOBAL STATUS'),
      perfSchema: await errnoOf(EXPORTER_USER, exporter!, 'SELECT * FROM performance_schema.file_instances LIMIT 1'),
      readUsers: await errnoOf(EXPORTER_USER, exporter!, 'SELECT * FROM mysql.user'),
      readLabData: await errnoOf(EXPORTER_USER, exporter!, 'SELECT * FROM txlab.schema_migrations'),
      createDb: await errnoOf(EXPORTER_USER, exporter!, `CREATE DATABASE txlab_${testPrefix('security')}`),
    }).toEqual({ noPassword: 1045, status: 0, perfSchema: 0, readUsers: 1142, readLabData: 1142, createDb: 1044 });
  });

  test('keeps its credentials and its socket from other users of the machine', () => {
    const mode = (p: string) => statSync(p).mode & 0o777;
    const dir = join(config().stackDir, 'mariadb');
    expect({
      stack: mode(config().stackDir),
      dir: mode(dir),
      credentials: mode(credentialsFile(config().stackDir)),
    }).toEqual({
      stack: 0o700,
      dir: 0o700,
      credentials: 0o600,
    });
  });
});

describe('the compose file', () => {
  const compose = readFileSync(join(PROJECT_ROOT, 'compose/docker-compose.yml'), 'utf8');

  test('publishes every port on 127.0.0.1 only', () => {
    const published = [...compose.matchAll(/ports: \[([^\]]*)\]/g)].flatMap((m) =>
      m[1]!.split(',').map((p) => p.trim().replaceAll('"', '')),
    );
    expect(published.length).toBeGreaterThan(0);
    expect(published.filter((p) => !p.startsWith('127.0.0.1:'))).toEqual([]);
  });

  test('reads the database password from the untracked compose/.env', () => {
    expect(compose).toContain('ROOT_PASSWORD: ${SINGLESTORE_PASSWORD:?');
    expect(compose).not.toMatch(/ROOT_PASSWORD: [^$]/);
    expect(readFileSync(join(PROJECT_ROOT, '.gitignore'), 'utf8').split('\n')).toContain('compose/.env');
  });
});
