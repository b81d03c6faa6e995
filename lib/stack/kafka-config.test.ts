import { describe, expect, test } from 'bun:test';
import { classpathEntries, serverProperties } from './kafka-config.ts';

describe('serverProperties', () => {
  const props = serverProperties({
    host: '127.0.0.1',
    brokerPort: 9092,
    controllerPort: 9093,
    dataDir: '/repo/.stack/kafka/data',
  });
  const lines = props.split('\n').filter((l) => l && !l.startsWith('#'));
  const map = Object.fromEntries(lines.map((l) => l.split('=', 2) as [string, string]));

  test('describes one combined broker+controller node on the given ports', () => {
    expect(map).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': '1@127.0.0.1:9093',
      listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:9092',
      'log.dirs': '/repo/.stack/kafka/data',
    });
  });
  test('sets every internal topic to replication factor 1', () => {
    expect(
      Object.entries(map)
        .filter(([k]) => k.endsWith('replication.factor') || k.endsWith('min.isr'))
        .map(([, v]) => v),
    ).toEqual(['1', '1', '1', '1', '1']);
  });
  test('bounds disk use with 256 MB segments and 7 days of retention', () => {
    expect([map['log.segment.bytes'], map['log.retention.hours']]).toEqual([String(256 * 1024 * 1024), '168']);
  });
});

describe('classpathEntries', () => {
  test('splits on colons and drops empty entries', () =>
    expect(classpathEntries('/a.jar:/b.jar:\n')).toEqual(['/a.jar', '/b.jar']));
});
