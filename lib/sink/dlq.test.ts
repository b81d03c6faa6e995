import { describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { transaction } from '../fixtures/transaction.ts';
import { payloadSha256 } from './rows.ts';
import { bySize, recordBytes } from '../send.ts';
import { DLQ_LIMITS, conflictReject, dlqRequests, readDlqHeaders, toDlqMessage } from './dlq.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const source = { topic: 'transactions', partition: 3, group: 'txlab-sink' };

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

  test('keeps a small message as it was and says why, where from, how large and its hash in headers', () => {
    const m = toDlqMessage(reject, source, Date.UTC(2026, 0, 15));
    expect(m.key).toEqual(Buffer.from('cust_7'));
    expect(m.value).toEqual(Buffer.from('{not json'));
    expect(m.headers).toEqual({
      'dlq.reason': 'malformed_json',
      'dlq.error': 'not JSON: Unexpected token',
      'dlq.source.topic': 'transactions',
      'dlq.source.partition': '3',
      'dlq.source.offset': '1200',
      'dlq.source.timestamp': '1768473046005',
      'dlq.source.bytes': '9',
      'dlq.source.sha256': sha256(Buffer.from('{not json')),
      'dlq.value': 'whole',
      'dlq.key': 'whole',
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
      bytes: 9,
      sha256: sha256(Buffer.from('{not json')),
      value: 'whole',
    });
  });

  test('cuts a long error to 1000 characters', () => {
    const m = toDlqMessage({ ...reject, error: 'x'.repeat(5000) }, { topic: 't', partition: 0, group: 'g' }, 0);
    expect(String(m.headers!['dlq.error'])).toHaveLength(1000);
  });

  describe('of a message larger than a DLQ record carries (a ~1 MB poison pill)', () => {
    const huge = Buffer.alloc(1_048_400, 'y');
    const m = toDlqMessage(
      { ...reject, reason: 'oversized', message: { ...reject.message, value: huge, key: Buffer.alloc(5000, 'k') } },
      source,
      0,
    );

    test('carries a bounded prefix of the value, with the original size and SHA-256', () => {
      expect({
        value: (m.value as Buffer).length,
        key: (m.key as Buffer).length,
        bytes: m.headers!['dlq.source.bytes'],
        sha256: m.headers!['dlq.source.sha256'],
        kept: [m.headers!['dlq.value'], m.headers!['dlq.key']],
      }).toEqual({
        value: DLQ_LIMITS.prefixBytes,
        key: DLQ_LIMITS.keyBytes,
        bytes: '1048400',
        sha256: sha256(huge),
        kept: ['prefix', 'prefix'],
      });
      expect((m.value as Buffer).equals(huge.subarray(0, DLQ_LIMITS.prefixBytes))).toBe(true);
    });

    test('fits well inside one request', () => {
      expect(recordBytes(m)).toBeLessThan(DLQ_LIMITS.requestBytes / 16);
    });
  });
});

describe('dead-letter requests', () => {
  test('300 rejected 5 KB messages go in requests of at most 256 KiB each, in order, none lost', () => {
    const rejects = Array.from({ length: 300 }, (_, i) => ({
      message: { offset: String(i), key: Buffer.from('cust_1'), value: Buffer.alloc(5000, 'x'), timestamp: '0' },
      reason: 'oversized' as const,
      error: 'message of 5000 bytes exceeds 4096',
    }));
    const requests = dlqRequests(rejects, source, 0);
    expect(requests.length).toBeGreaterThan(1);
    for (const r of requests) expect(r.reduce((n, m) => n + recordBytes(m), 0)).toBeLessThanOrEqual(256 << 10);
    expect(requests.flat().map((m) => m.headers!['dlq.source.offset'])).toEqual(rejects.map((r) => r.message.offset));
  });

  test('are split by size, a record larger than the limit going alone', () => {
    const m = (n: number) => ({ value: 'x'.repeat(n) });
    expect(bySize([m(100), m(100), m(1000), m(10)], 500).map((s) => s.length)).toEqual([2, 1, 1]);
    expect(bySize([], 500)).toEqual([]);
  });
});

describe('a conflict', () => {
  test('goes with both payload hashes and who holds the id', () => {
    const first = transaction({ customer_id: 'cust_1' });
    const other = { ...first, customer_id: 'cust_2' };
    const message = {
      offset: '9',
      key: Buffer.from('cust_2'),
      value: Buffer.from(JSON.stringify(other)),
      timestamp: '0',
    };
    const r = conflictReject(
      {
        row: { tx: other, origin: { partition: 0, offset: '9', timestampMs: 0 } },
        payload_sha256: payloadSha256(other),
        stored: { customer_id: 'cust_1', payload_sha256: payloadSha256(first) },
      },
      message,
    );
    const m = toDlqMessage(r, source, 0);
    const wire = Object.fromEntries(Object.entries(m.headers!).map(([k, v]) => [k, Buffer.from(String(v))]));
    expect(readDlqHeaders(wire)).toMatchObject({
      reason: 'conflict',
      offset: '9',
      value: 'whole',
      conflict: {
        payload_sha256: payloadSha256(other),
        stored_customer_id: 'cust_1',
        stored_payload_sha256: payloadSha256(first),
      },
    });
    expect(r.error).toBe(
      `transaction_id ${first.transaction_id} is stored already for customer cust_1 (payload sha256 ${payloadSha256(first)}); this one, for cust_2 with payload sha256 ${payloadSha256(other)}, was not stored`,
    );
    expect(m.value).toEqual(message.value);
  });
});
