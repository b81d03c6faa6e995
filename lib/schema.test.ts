import { describe, expect, test } from 'bun:test';
import { transaction } from './fixtures/transaction.ts';
import { MAX_EVENT_BYTES, Transaction, decodeTransaction } from './schema.ts';

const encode = (v: unknown) => JSON.stringify(v);

describe('the transaction schema', () => {
  test('accepts a well-formed event', () => {
    const t = transaction();
    expect(decodeTransaction(encode(t))).toEqual({ ok: true, value: t });
  });

  const rejects = (name: string, value: unknown, field: string) =>
    test(`rejects ${name}, naming ${field}`, () => {
      const r = decodeTransaction(encode(value));
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe('schema_violation');
        expect(r.message).toContain(`${field}:`);
      }
    });

  rejects('a negative amount', transaction({ amount: -5 }), 'amount');
  rejects('a float amount (money is integer minor units)', { ...transaction(), amount: 1500.5 }, 'amount');
  rejects('an unknown merchant category', { ...transaction(), merchant_category: 'casino' }, 'merchant_category');
  rejects('an unknown payment method', { ...transaction(), payment_method: 'cheque' }, 'payment_method');
  rejects('a missing customer id', { ...transaction(), customer_id: undefined }, 'customer_id');
  rejects('a total that does not add up', { ...transaction(), total_amount: 1 }, 'total_amount');
  rejects('a declined event without a reason', transaction({ status: 'declined' }), 'failure_reason');
  rejects('a timestamp that is not ISO 8601', { ...transaction(), timestamp: 'yesterday' }, 'timestamp');
  rejects('a latitude out of range', { ...transaction(), location: { lat: 123, lng: 0 } }, 'location.lat');

  test('names every failing field at once', () => {
    const r = decodeTransaction(encode({ ...transaction(), amount: 0, risk_level: 9 }));
    expect(r.ok || r.message).toMatch(/amount:.*risk_level:/);
  });

  test('tells malformed JSON apart from schema violations', () => {
    expect(decodeTransaction('{"transaction_id": ')).toMatchObject({ ok: false, reason: 'malformed_json' });
    expect(decodeTransaction(null)).toMatchObject({ ok: false, reason: 'malformed_json' });
  });

  test('refuses oversized messages before parsing them', () => {
    const big = encode({ ...transaction(), padding: 'x'.repeat(MAX_EVENT_BYTES) });
    expect(decodeTransaction(big)).toMatchObject({ ok: false, reason: 'oversized' });
  });

  test('infers the same type it validates', () => {
    const t: Transaction = transaction();
    expect(Transaction.parse(t)).toEqual(t);
  });
});
