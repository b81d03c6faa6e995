import { describe, expect, test } from 'bun:test';
import { readDlqHeaders, toDlqMessage } from './dlq.ts';

describe('a dead-letter record', () => {
  const reject = {
    message: {
      offset: '1200',
      key: Buffer.from('cust_7'),
      value: Buffer.from('{not json'),
      timestamp: '1768473046005',
    },
    reason: 'malformed_json' as const,
    error: 'not JSON: Unexpected token',
  };

  test('keeps the message as it was and says why and where from in headers', () => {
    const m = toDlqMessage(reject, { topic: 'transactions', partition: 3, group: 'txlab-sink' }, Date.UTC(2026, 0, 15));
    expect(m.key).toEqual(Buffer.from('cust_7'));
    expect(m.value).toEqual(Buffer.from('{not json'));
    expect(m.headers).toEqual({
      'dlq.reason': 'malformed_json',
      'dlq.error': 'not JSON: Unexpected token',
      'dlq.source.topic': 'transactions',
      'dlq.source.partition': '3',
      'dlq.source.offset': '1200',
      'dlq.source.timestamp': '1768473046005',
      'dlq.group': 'txlab-sink',
      'dlq.failed_at': '2026-01-15T00:00:00.000Z',
    });
  });

  test('headers read back as they arrive from the broker (Buffers)', () => {
    const m = toDlqMessage(reject, { topic: 'transactions', partition: 3, group: 'g' }, 0);
    const wire = Object.fromEntries(Object.entries(m.headers!).map(([k, v]) => [k, Buffer.from(String(v))]));
    expect(readDlqHeaders(wire)).toEqual({
      reason: 'malformed_json',
      error: 'not JSON: Unexpected token',
      topic: 'transactions',
      partition: 3,
      offset: '1200',
    });
  });

  test('cuts a long error to 1000 characters', () => {
    const m = toDlqMessage({ ...reject, error: 'x'.repeat(5000) }, { topic: 't', partition: 0, group: 'g' }, 0);
    expect(String(m.headers!['dlq.error'])).toHaveLength(1000);
  });
});
