// Integration: the embedded stack (or the external engines the config points at) starts and answers.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Connection } from '@temporalio/client';
import { Kafka, logLevel } from 'kafkajs';
import mysql from 'mysql2/promise';
import { config } from '../config.ts';
import { dbTarget, poolOptions } from '../db/connect.ts';
import { ensureStack } from './index.ts';

const cfg = config();
const COLD_START_MS = 5 * 60_000; // first run may resolve Kafka's jars with Maven

describe('ensureStack', () => {
  beforeAll(async () => {
    await ensureStack({ quiet: true });
  }, COLD_START_MS);

  test('leaves a Kafka that lists its topics', async () => {
    const admin = new Kafka({
      clientId: 'txlab-stack-test',
      brokers: cfg.kafka.brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      expect(Array.isArray(await admin.listTopics())).toBe(true);
    } finally {
      await admin.disconnect();
    }
  });

  test('leaves a database that has the configured schema and answers SELECT 1', async () => {
    const db = await mysql.createConnection(poolOptions(dbTarget(cfg.db.url), 1));
    try {
      const [rows] = await db.query('SELECT 1 AS one, DATABASE() AS name');
      expect(rows as unknown).toEqual([{ one: 1, name: new URL(cfg.db.url).pathname.slice(1) }]);
    } finally {
      await db.end();
    }
  });

  let temporal: Connection | undefined;
  afterAll(async () => temporal?.close());

  test('leaves a Temporal that answers GetSystemInfo', async () => {
    temporal = await Connection.connect({ address: cfg.temporal.address });
    const info = await temporal.workflowService.getSystemInfo({});
    expect(info.serverVersion).toMatch(/^\d+\.\d+/);
  });

  test('returns fast when everything already runs', async () => {
    const start = performance.now();
    const reports = await ensureStack({ quiet: true });
    expect(performance.now() - start).toBeLessThan(5_000);
    expect(reports.map((r) => r.result.how)).toEqual(
      cfg.kafka.managed && cfg.db.managed && cfg.temporal.managed
        ? ['running', 'running', 'running', 'running', 'running', 'running']
        : expect.any(Array),
    );
  });
});
