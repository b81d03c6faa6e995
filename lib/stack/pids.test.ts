import { describe, expect, test } from 'bun:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cmdlineHas, isAlive, parsePid, portAccepts, splitHostPort, withLock } from './pids.ts';

describe('parsePid', () => {
  test('reads a pid with surrounding whitespace', () => expect(parsePid(' 1234\n')).toBe(1234));
  test('rejects empty, non-numeric and init/zero pids', () => {
    expect([parsePid(''), parsePid('abc'), parsePid('12 34'), parsePid('0'), parsePid('1')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('splitHostPort', () => {
  test('splits host and port', () =>
    expect(splitHostPort('127.0.0.1:9092')).toEqual({ host: '127.0.0.1', port: 9092 }));
  test('throws without a port', () => expect(() => splitHostPort('localhost')).toThrow('expected host:port'));
});

describe('cmdlineHas', () => {
  const cmdline = ['java', '-cp', 'a.jar', 'kafka.Kafka', '/repo/.stack/kafka/server.properties'].join('\0');
  test('matches when every marker appears', () =>
    expect(cmdlineHas(cmdline, ['kafka.Kafka', '/repo/.stack/kafka/server.properties'])).toBe(true));
  test('does not match another stack dir', () =>
    expect(cmdlineHas(cmdline, ['kafka.Kafka', '/other/.stack/kafka/server.properties'])).toBe(false));
});

describe('isAlive', () => {
  test('is true for this process and false for a pid that does not exist', () => {
    expect([isAlive(process.pid), isAlive(2 ** 22 + 1)]).toEqual([true, false]);
  });
});

describe('portAccepts', () => {
  test('is true while a server listens and false after it closes', async () => {
    const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
    const open = await portAccepts('127.0.0.1', server.port);
    server.stop(true);
    expect([open, await portAccepts('127.0.0.1', server.port)]).toEqual([true, false]);
  });
});

describe('withLock', () => {
  test('runs holders one at a time', async () => {
    const lock = join(mkdtempSync(join(tmpdir(), 'txlab-lock-')), 'start.lock');
    const events: string[] = [];
    const holder = (name: string) =>
      withLock(lock, async () => {
        events.push(`${name} in`);
        await Bun.sleep(50);
        events.push(`${name} out`);
      });
    await Promise.all([holder('a'), holder('b')]);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
  });
});
