import { describe, expect, test } from 'bun:test';
import { downLine, upLine } from './lines.ts';

const kafka = { label: 'kafka', endpoint: '127.0.0.1:9092', log: '.stack/kafka/kafka.log' };

describe('upLine', () => {
  test('says how long a start took, with pid and log', () => {
    expect(upLine(kafka, { how: 'started', pid: 1234, ms: 9_812 })).toBe(
      'kafka     up  127.0.0.1:9092  (started in 9.8 s, pid 1234, log .stack/kafka/kafka.log)',
    );
  });
  test('says when it was already running, and shows links', () => {
    const temporal = {
      label: 'temporal',
      endpoint: '127.0.0.1:7233',
      log: 't.log',
      links: ['ui http://127.0.0.1:8233'],
    };
    expect(upLine(temporal, { how: 'running', pid: 7, ms: 40 })).toBe(
      'temporal  up  127.0.0.1:7233  (already running, pid 7, log t.log)  ui http://127.0.0.1:8233',
    );
  });
  test('marks an external engine', () => {
    expect(upLine(kafka, { how: 'external', ms: 120 })).toBe(
      'kafka     up  127.0.0.1:9092  (external, answered in 0.1 s)',
    );
  });
});

describe('downLine', () => {
  test('reports a stop with its pid and time', () =>
    expect(downLine('mariadb', { result: 'stopped', pid: 42, ms: 1_500 })).toBe('mariadb   stopped  (pid 42, 1.5 s)'));
  test('leaves external engines alone', () =>
    expect(downLine('db', { result: 'external', ms: 0 })).toBe('db        external: left alone'));
});
