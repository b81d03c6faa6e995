import { describe, expect, test } from 'bun:test';
import { dialectOf, serverName } from './dialect.ts';

describe('the dialect of a server', () => {
  test('MariaDB and MySQL speak the mysql dialect', () => {
    expect(dialectOf({ version: '10.11.19-MariaDB-0+deb12u1', comment: 'Debian 12' })).toBe('mysql');
    expect(dialectOf({ version: '8.0.36', comment: 'MySQL Community Server - GPL' })).toBe('mysql');
    expect(serverName({ version: '10.11.19-MariaDB-0+deb12u1', comment: 'Debian 12' })).toBe('MariaDB 10.11.19');
  });

  test('SingleStore names itself in version_comment, behind a MySQL-looking version', () => {
    const s = {
      version: '5.7.32',
      comment: 'SingleStoreDB source distribution (compatible; MySQL Enterprise & MySQL Commercial)',
    };
    expect(dialectOf(s)).toBe('singlestore');
    expect(dialectOf({ version: '5.7.32', comment: 'MemSQL source distribution' })).toBe('singlestore');
    expect(serverName({ ...s, singlestoreVersion: '8.9.3' })).toBe('SingleStore 8.9.3 (MySQL 5.7.32)');
  });
});
