import { describe, expect, test } from 'bun:test';
import { ConfigError, EMBEDDED, loadConfig } from './config.ts';

describe('config', () => {
  test('defaults point at the embedded stack, which it then manages', () => {
    const c = loadConfig({});
    expect(c.kafka).toEqual({ brokers: [EMBEDDED.kafkaBrokers], managed: true });
    expect(c.db.managed).toBe(true);
    expect(c.generator).toEqual({ eventRatePerMinute: 100, peakFactor: 2.5, fraudRate: 0.02, declinedRate: 0.05, merchantCount: 50, customerCount: 1000, seed: 42 });
    expect(c.initMode).toBe('flush');
  });

  test('an endpoint set by the user is external: the stack leaves it alone', () => {
    const c = loadConfig({ KAFKA_BROKERS: 'k1:9092, k2:9092', DATABASE_URL: 'mysql://app:pw@db.internal:3306/tx' });
    expect(c.kafka).toEqual({ brokers: ['k1:9092', 'k2:9092'], managed: false });
    expect(c.db).toEqual({ url: 'mysql://app:pw@db.internal:3306/tx', managed: false });
    expect(c.temporal.managed).toBe(true);
  });

  test('reads seed 004 knobs from the environment', () => {
    const c = loadConfig({ EVENT_RATE: '600', PEAK_FACTOR: '3', EVENT_INIT_MODE: 'skip', TOPIC_TRANSACTIONS: 'darooghe.transactions' });
    expect(c.generator.eventRatePerMinute).toBe(600);
    expect(c.generator.peakFactor).toBe(3);
    expect(c.initMode).toBe('skip');
    expect(c.topics.transactions).toBe('darooghe.transactions');
  });

  test('an invalid value fails at start, naming every bad variable', () => {
    const bad = () => loadConfig({ EVENT_RATE: 'fast', FRAUD_RATE: '2', EVENT_INIT_MODE: 'replay', KAFKA_BROKERS: 'no-port' });
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
