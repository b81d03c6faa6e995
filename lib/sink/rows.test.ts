import { describe, expect, test } from 'bun:test';
import { sqlDatetime, str } from '../db/literals.ts';
import { transaction } from '../fixtures/transaction.ts';
import {
  type SinkRow,
  byPrimaryKey,
  claimIdsSql,
  firstOfEachId,
  payloadSha256,
  primaryKeyMatch,
  storageProblem,
  upsertTransactionsSql,
  valuesTuple,
} from './rows.ts';

const row = (
  over: Parameters<typeof transaction>[0] = {},
  origin: SinkRow['origin'] = { partition: 3, offset: '1200', timestampMs: Date.UTC(2026, 0, 15, 10, 30, 46, 5) },
): SinkRow => ({ tx: transaction(over), origin });

describe('a transaction as a table row', () => {
  test('renders every column in order: money as integers, times as UTC DATETIME text, NULL failure reason', () => {
    const r = row({ transaction_id: '11111111-2222-4333-8444-555555555555', amount: 150_000 });
    expect(valuesTuple(r, 42, '2026-01-15 10:30:46.100')).toBe(
      "('11111111-2222-4333-8444-555555555555','cust_123','merch_456','2026-01-15 10:30:45.000','retail','online',150000,'flat',3000,13500,166500,'approved',NULL,'individual',2,35.7219,51.3347,'Android','2.4.1','dev_0123456789ab',3,1200,'2026-01-15 10:30:46.005',42,'2026-01-15 10:30:46.100')",
    );
  });

  test('a bulk-loaded row has no Kafka position', () => {
    expect(valuesTuple(row({}, null), 1, '2026-01-15 10:30:46.100')).toContain("'dev_0123456789ab',NULL,NULL,NULL,1,");
  });

  test('string literals escape quotes, backslashes and control characters', () => {
    expect(str('it\'s a \\ \n \0 "x"')).toBe("'it\\'s a \\\\ \\n \\0 \\\"x\\\"'");
  });

  test('times are UTC text with milliseconds, from ISO text or epoch ms', () => {
    expect(sqlDatetime('2026-01-15T10:30:45.123Z')).toBe('2026-01-15 10:30:45.123');
    expect(sqlDatetime(Date.UTC(2026, 0, 15, 10, 30, 45, 123))).toBe('2026-01-15 10:30:45.123');
  });

  test('the upsert leaves a stored row as it was, so a duplicate counts as 0 affected rows', () => {
    expect(upsertTransactionsSql([row()], 7, '2026-01-15 10:30:46.100')).toMatch(
      /^INSERT INTO transactions \(transaction_id,customer_id,.*,ingested_at\) VALUES \(.*\) ON DUPLICATE KEY UPDATE ingest_batch = ingest_batch$/,
    );
  });
});

describe('rows to write', () => {
  const a = row({ customer_id: 'cust_2', transaction_id: '00000000-0000-4000-8000-00000000000a', amount: 100 });
  const aAgain = row({ customer_id: 'cust_3', transaction_id: '00000000-0000-4000-8000-00000000000a', amount: 999 });
  const b = row({ customer_id: 'cust_1', transaction_id: '00000000-0000-4000-8000-00000000000b' });
  const c = row({ customer_id: 'cust_2', transaction_id: '00000000-0000-4000-8000-000000000001' });

  test('claim the first of each transaction id, whoever the customer, in id order', () => {
    expect(firstOfEachId([a, b, aAgain, c])).toEqual([c, a, b]);
  });

  test('are inserted in primary key order (customer_id, transaction_id)', () => {
    expect([a, b, c].sort(byPrimaryKey)).toEqual([b, c, a]);
  });

  test('claim their ids with a hash of their payload; a claim held already is left as it was', () => {
    expect(claimIdsSql([{ tx: c.tx, sha256: 'ab'.repeat(32) }], 7)).toBe(
      `INSERT INTO transaction_ids (transaction_id,customer_id,payload_sha256,ingest_batch) VALUES ('00000000-0000-4000-8000-000000000001','cust_2','${'ab'.repeat(32)}',7) ON DUPLICATE KEY UPDATE ingest_batch = ingest_batch`,
    );
  });

  test('are matched by primary key for the read-back of a batch with duplicates', () => {
    expect(
      primaryKeyMatch([row({ customer_id: 'cust_9', transaction_id: '00000000-0000-4000-8000-000000000009' })]),
    ).toBe("(customer_id = 'cust_9' AND transaction_id = '00000000-0000-4000-8000-000000000009')");
  });
});

describe('a payload hash', () => {
  test('is the same for the same content however its JSON was laid out', () => {
    const tx = transaction();
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(tx).reverse())));
    expect(payloadSha256(reordered)).toBe(payloadSha256(tx));
    expect(payloadSha256(tx)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('differs when any field differs', () => {
    const tx = transaction();
    expect(payloadSha256({ ...tx, amount: tx.amount + 1 })).not.toBe(payloadSha256(tx));
    expect(payloadSha256({ ...tx, location: { ...tx.location, lat: 35.72191 } })).not.toBe(payloadSha256(tx));
  });
});

describe('what the database could not store', () => {
  test('a valid event fits', () => {
    expect(storageProblem(transaction())).toBeNull();
  });

  test('an id longer than its column is named with both lengths', () => {
    expect(storageProblem(transaction({ customer_id: `cust_${'9'.repeat(40)}` }))).toBe(
      'customer_id: 45 characters, the column holds 40',
    );
  });

  test('a year before 1000 is outside DATETIME', () => {
    expect(storageProblem(transaction({ timestamp: '0999-12-31T23:59:59.000Z' }))).toBe(
      'timestamp: year 999 is before 1000, the first year DATETIME holds',
    );
  });
});
