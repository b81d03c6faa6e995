import { describe, expect, test } from 'bun:test';
import { loadConfig } from '../../config.ts';
import { decide } from './decide.ts';
import { policyFrom } from '../detect/policy.ts';
import type { CustomerHistory } from './schemas.ts';
import type { RuleHit } from '../detect/rules/types.ts';

const policy = policyFrom(); // hold ≥ 0.5, decline ≥ 0.8, 5 transactions make a record
const hit = (rule: RuleHit['rule'], score: number): RuleHit => ({ rule, score, reason: `${rule} fixture` });
const record = (over: Partial<CustomerHistory> = {}): CustomerHistory => ({
  transactions: 20,
  median_amount: 100_000,
  high_value_share: 0,
  device_seen: false,
  ...over,
});
const noRecord: CustomerHistory = { transactions: 0, median_amount: null, high_value_share: 0, device_seen: false };

describe('the review decision', () => {
  test('declines at or above the decline score', () => {
    expect(decide([hit('impossible_travel', 0.8)], 100_000, record(), policy).verdict).toBe('decline');
  });
  test('holds between the hold and decline scores', () => {
    expect(decide([hit('velocity', 0.6)], 100_000, record(), policy).verdict).toBe('hold');
    expect(decide([hit('velocity', 0.5)], 100_000, record(), policy).verdict).toBe('hold');
  });
  test('approves below the hold score', () => {
    expect(decide([hit('new_device', 0.35)], 100_000, noRecord, policy)).toMatchObject({
      verdict: 'approve',
      score: 0.35,
    });
  });

  describe('when the customer record explains a hit', () => {
    test('a device found in the record is not new', () => {
      const d = decide(
        [hit('impossible_travel', 0.7), hit('new_device', 0.35)],
        100_000,
        record({ device_seen: true }),
        policy,
      );
      expect(d).toMatchObject({ verdict: 'hold', score: 0.7, kept: [hit('impossible_travel', 0.7)] });
      expect(d.reasons).toContain("new_device set aside: the device appears in the customer's record");
    });
    test('an amount under 10× the recorded median is no outlier', () => {
      expect(decide([hit('amount_outlier', 0.7)], 999_999, record(), policy).verdict).toBe('approve');
      expect(decide([hit('amount_outlier', 0.7)], 1_000_000, record(), policy).verdict).toBe('hold');
    });
    test('a high-value streak is normal for a customer whose record is ≥ 15 % high-value', () => {
      expect(
        decide([hit('high_value_streak', 0.6)], 2_000_000, record({ high_value_share: 0.15 }), policy).verdict,
      ).toBe('approve');
      expect(
        decide([hit('high_value_streak', 0.6)], 2_000_000, record({ high_value_share: 0.1 }), policy).verdict,
      ).toBe('hold');
    });
    test('a record shorter than 5 transactions explains nothing', () => {
      const short = record({ transactions: 4, high_value_share: 1 });
      expect(decide([hit('high_value_streak', 0.6)], 2_000_000, short, policy).verdict).toBe('hold');
    });
  });
});
