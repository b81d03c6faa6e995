import { describe, expect, test } from 'bun:test';
import { installDbArgs, mariadbdArgs, parseDbUrl } from './mariadb-config.ts';

describe('parseDbUrl', () => {
  test('reads the embedded default', () => {
    expect(parseDbUrl('mysql://root@127.0.0.1:3307/txlab')).toEqual({
      host: '127.0.0.1',
      port: 3307,
      user: 'root',
      password: '',
      database: 'txlab',
    });
  });
  test('decodes credentials and defaults the port to 3306', () => {
    expect(parseDbUrl('singlestore://admin:p%40ss@db.example:/lab')).toMatchObject({
      port: 3306,
      user: 'admin',
      password: 'p@ss',
      database: 'lab',
    });
  });
  test('rejects a URL without a database', () =>
    expect(() => parseDbUrl('mysql://root@127.0.0.1:3307/')).toThrow('expected mysql://'));
});

describe('mariadbdArgs', () => {
  const server = {
    dataDir: '/s/mariadb/data',
    socket: '/s/mariadb/mariadb.sock',
    pidFile: '/s/mariadb/mariadb.pid',
    logFile: '/s/mariadb/error.log',
    host: '127.0.0.1',
    port: 3307,
    asRoot: false,
  };
  test('starts with --no-defaults so no system config leaks in', () =>
    expect(mariadbdArgs(server)[0]).toBe('--no-defaults'));
  test('keeps commits durable and binds only to the given address', () => {
    expect(mariadbdArgs(server)).toEqual(
      expect.arrayContaining(['--innodb-flush-log-at-trx-commit=1', '--bind-address=127.0.0.1', '--port=3307']),
    );
  });
  test('runs as root only when asked, and loads Spider only when its plugin is there', () => {
    const plain = mariadbdArgs(server);
    const rootSpider = mariadbdArgs({ ...server, asRoot: true, spiderPluginDir: '/usr/lib/mysql/plugin' });
    expect(plain.filter((a) => a.startsWith('--user') || a.startsWith('--plugin'))).toEqual([]);
    expect(rootSpider.filter((a) => a.startsWith('--user') || a.startsWith('--plugin'))).toEqual([
      '--user=root',
      '--plugin-dir=/usr/lib/mysql/plugin',
      '--plugin-load-add=ha_spider.so',
    ]);
  });
});

describe('installDbArgs', () => {
  test('creates root with normal (password) authentication and no test database', () => {
    expect(installDbArgs({ dataDir: '/d', asRoot: true })).toEqual([
      '--no-defaults',
      '--datadir=/d',
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--user=root',
    ]);
  });
});
