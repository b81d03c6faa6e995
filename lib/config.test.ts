import { describe, expect, test } from 'bun:test';
import { ConfigError, EMBEDDED, loadConfig } from './config.ts';

describe('config', () => {
  test('defaults point at the embedded stack, which it then manages', () => {
    const c = loadConfig({});
    expect(c.kafka).toEqual({ brokers: [EMBEDDED.kafkaBrokers], managed: true });
    expect(c.db.managed).toBe(true);
    expect(c.generator).toEqual({
      eventRatePerMinute: 100,
      peakFactor: 2.5,
      fraudRate: 0.02,
      declinedRate: 0.05,
      merchantCount: 50,
      customerCount: 1000,
      seed: 42,
    });
    expect(c.initMode).toBe('flush');
  });

  test('an endpoint set by the user is external: the stack leaves it alone', () => {
    const c = loadConfig({ KAFKA_BROKERS: 'k1:9092, k2:9092', DATABASE_URL: 'mysql://app:pw@db.internal:3306/tx' });
    expect(c.kafka).toEqual({ brokers: ['k1:9092', 'k2:9092'], managed: false });
    expect(c.db).toEqual({ url: 'mysql://app:pw@db.internal:3306/tx', managed: false });
    expect(c.temporal.managed).toBe(true);
  });

  test('reads seed 004 knobs from the environment', () => {
    const c = loadConfig({ EVENT_RATE: '600', PEAK_FACTOR: '3', EVENT_INIT_MODE: 'skip' });
    expect(c.generator.eventRatePerMinute).toBe(600);
    expect(c.generator.peakFactor).toBe(3);
    expect(c.initMode).toBe('skip');
  });

  describe('TXLAB_PREFIX', () => {
    test('unset, the names are the plain ones', () => {
      const c = loadConfig({});
      expect({
        topics: c.topics,
        sink: c.sink.group,
        windows: c.windows.group,
        fraud: c.fraud.group,
        queue: c.fraud.taskQueue,
        workflows: c.fraud.workflowPrefix,
        db: c.db.url,
      }).toEqual({
        topics: {
          transactions: 'transactions',
          dlq: 'transactions.dlq',
          labels: 'transactions.labels',
          late: 'transactions.late',
          aggregates: 'transaction_aggregates',
          anomalies: 'transaction_anomalies',
          verdicts: 'transaction_verdicts',
          guaranteesInput: 'guarantees.input',
          guaranteesOutput: 'guarantees.output',
        },
        sink: 'txlab-sink',
        windows: 'txlab-windows',
        fraud: 'fraud',
        queue: 'fraud-review',
        workflows: 'review',
        db: EMBEDDED.databaseUrl,
      });
    });

    test('namespaces every topic, group, database, task queue and workflow id', () => {
      const c = loadConfig({ TXLAB_PREFIX: 'darooghe', DATABASE_URL: 'mysql://app:pw@db.internal:3306/tx' });
      expect(Object.values(c.topics).every((t) => t.startsWith('darooghe.'))).toBe(true);
      expect({
        sink: c.sink.group,
        guarantees: c.guarantees.groupPrefix,
        fraud: c.fraud.group,
        queue: c.fraud.taskQueue,
        workflows: c.fraud.workflowPrefix,
        db: c.db.url,
      }).toEqual({
        sink: 'darooghe.txlab-sink',
        guarantees: 'darooghe.txlab-guarantees',
        fraud: 'darooghe.fraud',
        queue: 'darooghe.fraud-review',
        workflows: 'darooghe.review',
        db: 'mysql://app:pw@db.internal:3306/tx_darooghe',
      });
    });

    test('must be usable in every one of those names', () => {
      expect(() => loadConfig({ TXLAB_PREFIX: 'Team A' })).toThrow(
        'TXLAB_PREFIX: expected lower-case letters, digits and _',
      );
    });
  });

  test('an invalid value fails at start, naming every bad variable', () => {
    const bad = () =>
      loadConfig({ EVENT_RATE: 'fast', FRAUD_RATE: '2', EVENT_INIT_MODE: 'replay', KAFKA_BROKERS: 'no-port' });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (e) {
      const msg = (e as Error).message;
      for (const name of ['EVENT_RATE', 'FRAUD_RATE', 'EVENT_INIT_MODE', 'KAFKA_BROKERS']) expect(msg).toContain(name);
    }
  });

  test('a number out of range says so, rather than "expected a number"', () => {
    expect(() => loadConfig({ EVENT_RATE: '0', FRAUD_RATE: '0.9' })).toThrow(
      'invalid environment:\n  EVENT_RATE: Too small: expected number to be >0 (got "0")\n  FRAUD_RATE: Too big: expected number to be <=0.5 (got "0.9")',
    );
    expect(() => loadConfig({ EVENT_RATE: 'fast' })).toThrow('EVENT_RATE: expected a number (got "fast")');
  });
});
