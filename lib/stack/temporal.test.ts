import { describe, expect, test } from 'bun:test';
import { goBinDir } from './temporal-cli.ts';
import { startDevArgs } from './temporal.ts';

describe('startDevArgs', () => {
  const server = {
    host: '127.0.0.1',
    port: 7233,
    uiPort: 8233,
    metricsPort: 8234,
    dbFile: '/s/temporal/temporal.db',
    namespace: 'default',
  };
  test('runs the dev server on the given ports (metrics too) with a persistent SQLite file', () => {
    expect(startDevArgs(server)).toEqual([
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      '7233',
      '--ui-port',
      '8233',
      '--metrics-port',
      '8234',
      '--db-filename',
      '/s/temporal/temporal.db',
      '--log-level',
      'warn',
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
      '--dynamic-config-value',
      'history.transferProcessorMaxPollRPS=1000',
    ]);
  });
  test('creates a namespace other than default', () => {
    expect(startDevArgs({ ...server, namespace: 'fraud' }).slice(-2)).toEqual(['--namespace', 'fraud']);
  });
});

describe('goBinDir', () => {
  test('prefers GOBIN', () => expect(goBinDir('/opt/gobin\n/root/go\n', '/root')).toBe('/opt/gobin'));
  test('else the first GOPATH entry', () => expect(goBinDir('\n/a/go:/b/go\n', '/root')).toBe('/a/go/bin'));
  test('else ~/go/bin', () => expect(goBinDir('\n\n', '/home/u')).toBe('/home/u/go/bin'));
});
