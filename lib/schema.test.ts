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
  // the table keeps 5 decimals (about 1 m): more would be rounded away without a word
  rejects(
    'a latitude with 8 decimals',
    { ...transaction(), location: { lat: 35.72191234, lng: 51.3347 } },
    'location.lat',
  );
  rejects(
    'a longitude with 6 decimals',
    { ...transaction(), location: { lat: 35.7219, lng: 51.334712 } },
    'location.lng',
  );
  // JSON.parse reads 9007199254740993 as 9007199254740992: past MAX_SAFE_INTEGER an amount is not what was sent
  test('rejects an amount past Number.MAX_SAFE_INTEGER, where JSON numbers stop being exact', () => {
    const json = encode(transaction({ amount: 1, total_amount: 1, commission_amount: 0, vat_amount: 0 }))
      .replace('"amount":1,', '"amount":9007199254740993,')
      .replace('"total_amount":1,', '"total_amount":9007199254740993,');
    const r = decodeTransaction(json);
    expect(r.ok || r.message).toContain('amount: Too big');
  });

  test('accepts coordinates with up to 5 decimals, stored as sent', () => {
    const t = transaction({ location: { lat: -33.86882, lng: 151.20929 } });
    expect(decodeTransaction(encode(t))).toEqual({ ok: true, value: t });
  });

  test('canonicalises the transaction id to lower case: the same UUID in upper case is the same transaction', () => {
    const t = transaction({ transaction_id: '0af7c2e4-1b2c-4d3e-8f40-123456789abc' });
    const r = decodeTransaction(encode({ ...t, transaction_id: t.transaction_id.toUpperCase() }));
    expect(r).toEqual({ ok: true, value: t });
  });

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
