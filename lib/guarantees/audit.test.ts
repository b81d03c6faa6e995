import { describe, expect, test } from 'bun:test';
import { transaction } from '../fixtures/transaction.ts';
import { audit, broken } from './audit.ts';
import { PROMISE } from './modes.ts';
import { settle } from './settle.ts';

const out = (partition: number, offset: number, outcome: 'settled' | 'rejected' = 'settled') => ({
  source: { partition, offset },
  outcome,
});
const inputs = ['0:0', '0:1', '0:2', '1:0', '1:1'];

describe('the audit', () => {
  test('counts a record with no output as lost and the extra outputs of a record as duplicated', () => {
    const a = audit(inputs, [out(0, 0), out(0, 1), out(0, 1), out(0, 1), out(1, 0), out(1, 1, 'rejected')]);
    expect(a).toEqual({
      input: 5,
      delivered: 4,
      lost: 1,
      duplicated: 2,
      duplicatedRecords: 1,
      foreign: 0,
      rejected: 1,
      examples: { lost: ['0:2'], duplicated: ['0:1'], foreign: [] },
    });
  });

  test('an output naming no input record of the run is foreign, and breaks every guarantee', () => {
    const a = audit(inputs, [...inputs.map((k) => out(Number(k[0]), Number(k[2]))), out(7, 7)]);
    expect({ lost: a.lost, duplicated: a.duplicated, foreign: a.foreign }).toEqual({
      lost: 0,
      duplicated: 0,
      foreign: 1,
    });
    expect(broken(a, PROMISE['at-least-once'])).toEqual(['1 outputs name no input record (e.g. 7:7)']);
  });

  describe('what each guarantee forbids', () => {
    const lostOne = audit(inputs, [out(0, 0), out(0, 1), out(1, 0), out(1, 1)]);
    const twice = audit(inputs, [...inputs.map((k) => out(Number(k[0]), Number(k[2]))), out(1, 1)]);
    test('at most once may lose, never duplicate', () => {
      expect(broken(lostOne, PROMISE['at-most-once'])).toEqual([]);
      expect(broken(twice, PROMISE['at-most-once'])).toEqual(['duplicated 1 outputs (e.g. 1:1)']);
    });
    test('at least once may duplicate, never lose', () => {
      expect(broken(twice, PROMISE['at-least-once'])).toEqual([]);
      expect(broken(lostOne, PROMISE['at-least-once'])).toEqual(['lost 1 records (e.g. 0:2)']);
    });
    test('exactly once may do neither', () => {
      expect(broken(lostOne, PROMISE['exactly-once'])).toHaveLength(1);
      expect(broken(twice, PROMISE['exactly-once'])).toHaveLength(1);
    });
  });
});

describe('the processing step', () => {
  test('settles a transaction: the merchant is paid the amount less the commission', () => {
    const tx = transaction({ amount: 100_00, commission_amount: 2_00 });
    expect(settle(JSON.stringify(tx), { partition: 2, offset: 9 })).toEqual({
      source: { partition: 2, offset: 9 },
      outcome: 'settled',
      transaction_id: tx.transaction_id,
      customer_id: tx.customer_id,
      amount: 100_00,
      payout: 98_00,
      reason: null,
    });
  });

  test('rejects bad input with the reason instead of dropping it', () => {
    const s = settle('{"transaction_id":', { partition: 0, offset: 1 });
    expect({ outcome: s.outcome, id: s.transaction_id }).toEqual({ outcome: 'rejected', id: null });
    expect(s.reason).toMatch(/^malformed_json: /);
    expect(settle(JSON.stringify({ ...transaction(), amount: -5 }), { partition: 0, offset: 2 }).reason).toMatch(
      /^schema_violation: .*amount/,
    );
  });
});
