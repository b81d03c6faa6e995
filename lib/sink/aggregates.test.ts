import { describe, expect, test } from 'bun:test';
import { transaction } from '../fixtures/transaction.ts';
import { aggregateDeltas, aggregateUpserts, hourBucket, minuteBucket } from './aggregates.ts';

describe('aggregate deltas', () => {
  const approved = transaction({
    timestamp: '2026-01-15T10:31:45.123Z',
    amount: 100_000,
    commission_amount: 2_000,
    vat_amount: 9_000,
    total_amount: 111_000,
    merchant_category: 'retail',
    merchant_id: 'merch_1',
  });
  const declined = transaction({
    timestamp: '2026-01-15T10:31:59.999Z',
    amount: 50_000,
    status: 'declined',
    failure_reason: 'card_expired',
    merchant_category: 'retail',
    merchant_id: 'merch_2',
  });
  const nextHour = transaction({
    timestamp: '2026-01-15T11:00:00.000Z',
    amount: 10_000,
    commission_amount: 200,
    vat_amount: 900,
    total_amount: 11_100,
    merchant_category: 'government',
    merchant_id: 'merch_1',
  });

  test('buckets by the minute and the hour of the event time, in UTC', () => {
    expect(minuteBucket('2026-01-15T10:31:45.123Z')).toBe('2026-01-15 10:31:00');
    expect(hourBucket('2026-01-15T10:31:45.123Z')).toBe('2026-01-15 10:00:00');
  });

  test('count every transaction, and sum money over approved ones only', () => {
    const d = aggregateDeltas([approved, declined, nextHour]);
    expect(Object.fromEntries(d.agg_minute)).toEqual({
      '2026-01-15 10:31:00': { tx_count: 2, approved_count: 1, approved_amount: 100_000n, approved_commission: 2_000n },
      '2026-01-15 11:00:00': { tx_count: 1, approved_count: 1, approved_amount: 10_000n, approved_commission: 200n },
    });
    expect(Object.fromEntries(d.agg_category_hour)).toEqual({
      '2026-01-15 10:00:00\tretail': {
        tx_count: 2,
        approved_count: 1,
        approved_amount: 100_000n,
        approved_commission: 2_000n,
      },
      '2026-01-15 11:00:00\tgovernment': {
        tx_count: 1,
        approved_count: 1,
        approved_amount: 10_000n,
        approved_commission: 200n,
      },
    });
    expect([...d.agg_merchant_hour.keys()].sort()).toEqual([
      '2026-01-15 10:00:00\tmerch_1',
      '2026-01-15 10:00:00\tmerch_2',
      '2026-01-15 11:00:00\tmerch_1',
    ]);
  });

  test('nothing inserted, nothing to add', () => {
    expect(aggregateUpserts(aggregateDeltas([]))).toEqual([]);
  });

  test('upserts add to existing buckets, rows in key order so concurrent sinks lock them in the same order', () => {
    const [minute, category, merchant] = aggregateUpserts(aggregateDeltas([nextHour, approved]));
    expect(minute).toBe(
      "INSERT INTO agg_minute (bucket,tx_count,approved_count,approved_amount,approved_commission) VALUES ('2026-01-15 10:31:00',1,1,100000,2000),('2026-01-15 11:00:00',1,1,10000,200) ON DUPLICATE KEY UPDATE tx_count = tx_count + VALUES(tx_count), approved_count = approved_count + VALUES(approved_count), approved_amount = approved_amount + VALUES(approved_amount), approved_commission = approved_commission + VALUES(approved_commission)",
    );
    expect(category).toStartWith(
      "INSERT INTO agg_category_hour (bucket,merchant_category,tx_count,approved_count,approved_amount,approved_commission) VALUES ('2026-01-15 10:00:00','retail',1,1,100000,2000),('2026-01-15 11:00:00','government',",
    );
    expect(merchant).toStartWith('INSERT INTO agg_merchant_hour (bucket,merchant_id,');
  });
});

describe('when sums pass 2^53', () => {
  const big = () =>
    transaction({
      timestamp: '2026-01-15T10:31:45.123Z',
      amount: 9_007_199_254_740_001,
      commission_amount: 0,
      vat_amount: 0,
      total_amount: 9_007_199_254_740_001,
    });

  test('three approved events of 9,007,199,254,740,001 in one bucket add to …0003 exactly, in all three tables', () => {
    const d = aggregateDeltas([big(), big(), big()]);
    for (const table of ['agg_minute', 'agg_category_hour', 'agg_merchant_hour'] as const)
      expect({ table, sums: [...d[table].values()] }).toEqual({
        table,
        sums: [{ tx_count: 3, approved_count: 3, approved_amount: 27_021_597_764_220_003n, approved_commission: 0n }],
      });
    const upserts = aggregateUpserts(d);
    expect(upserts).toHaveLength(3);
    for (const sql of upserts) expect(sql).toContain(',3,3,27021597764220003,0)');
  });
});
