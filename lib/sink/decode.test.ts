import { describe, expect, test } from 'bun:test';
import { transaction } from '../fixtures/transaction.ts';
import { seededRng } from '../random.ts';
import { decodeTransaction } from '../schema.ts';
import { chunks, classify, type InMessage } from './decode.ts';
import { badMessages, good, interleave } from '../fixtures/messages.ts';

const message = (value: string, offset = '7'): InMessage => ({
  offset,
  key: Buffer.from('cust_123'),
  value: Buffer.from(value),
  timestamp: '1768473046005',
});

describe('classifying a chunk', () => {
  test('valid events become rows that remember their partition, offset and record timestamp', () => {
    const tx = transaction();
    const { rows, rejects } = classify([message(JSON.stringify(tx), '41')], 2);
    expect(rejects).toEqual([]);
    expect(rows).toEqual([{ tx, origin: { partition: 2, offset: '41', timestampMs: 1768473046005 } }]);
  });

  describe('when a record carries a timestamp DATETIME cannot hold', () => {
    test('rejects it as a schema violation naming the timestamp, instead of stalling the write', () => {
      const tx = transaction();
      const far = { ...message(JSON.stringify(tx), '5'), timestamp: String(Date.UTC(10_000, 0, 1)) };
      const garbage = { ...message(JSON.stringify(transaction()), '6'), timestamp: 'soon' };
      const { rows, rejects } = classify([far, garbage, message(JSON.stringify(transaction()), '7')], 0);
      expect(rows.map((r) => r.origin!.offset)).toEqual(['7']);
      expect(rejects.map((r) => ({ offset: r.message.offset, reason: r.reason, error: r.error }))).toEqual([
        {
          offset: '5',
          reason: 'schema_violation',
          error: `Kafka record timestamp "${far.timestamp}" is outside what DATETIME holds (years 1000–9999)`,
        },
        {
          offset: '6',
          reason: 'schema_violation',
          error: 'Kafka record timestamp "soon" is outside what DATETIME holds (years 1000–9999)',
        },
      ]);
    });
  });

  test('each class of bad input is rejected with its reason, and good messages around it are kept', () => {
    const tx = transaction();
    const bad = badMessages(tx, 2);
    const msgs = [good(transaction()), ...bad, good(transaction())].map((m, i) => message(m.value, String(i)));
    const { rows, rejects } = classify(msgs, 0);
    expect(rows.map((r) => r.origin!.offset)).toEqual(['0', String(msgs.length - 1)]);
    expect(rejects.map((r) => [r.message.offset, r.reason])).toEqual(bad.map((b, i) => [String(i + 1), b.bad!]));
    expect(rejects.find((r) => r.reason === 'schema_violation')!.error).toContain(
      'amount: Too small: expected number to be >0',
    );
  });

  test('an event the schema accepts but a column cannot hold is a schema violation', () => {
    const { rejects } = classify([message(JSON.stringify(transaction({ customer_id: `cust_${'1'.repeat(50)}` })))], 0);
    expect(rejects.map((r) => [r.reason, r.error])).toEqual([
      ['schema_violation', 'customer_id: 55 characters, the column holds 40'],
    ]);
  });

  test('a message without a value is malformed', () => {
    expect(classify([{ ...message(''), value: null }], 0).rejects.map((r) => r.reason)).toEqual(['malformed_json']);
  });
});

describe("lab 03's bad input", () => {
  test('every bad message decodes to the reason it was made for', () => {
    const bad = badMessages(transaction(), 5);
    expect(bad).toHaveLength(15);
    for (const b of bad) {
      const r = decodeTransaction(b.value);
      expect({ value: b.value.slice(0, 60), reason: r.ok ? 'ok' : r.reason }).toEqual({
        value: b.value.slice(0, 60),
        reason: b.bad!,
      });
    }
  });

  test('is spread among the good messages, reproducibly for a seed', () => {
    const mixed = interleave([1, 2, 3, 4, 5, 6], [-1, -2], seededRng(3));
    expect(mixed.filter((x) => x > 0)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(mixed).toEqual(interleave([1, 2, 3, 4, 5, 6], [-1, -2], seededRng(3)));
  });
});

describe('chunks', () => {
  test('are consecutive slices of at most the given size', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 3)).toEqual([]);
  });
});
