// The DDL of both dialects, checked without an engine: SingleStore is not part of the embedded stack,
// so its files are held to SingleStore's rules here, and to the same columns as the MariaDB files
// (which the integration tests run for real).
import { describe, expect, test } from 'bun:test';
import {
  COMMISSION_TYPES,
  CUSTOMER_TYPES,
  DeviceInfo,
  FAILURE_REASONS,
  MERCHANT_CATEGORIES,
  PAYMENT_METHODS,
  Status,
} from '../schema.ts';
import { TRANSACTION_COLUMNS } from '../sink/rows.ts';
import { type TableDef, parseCreateTable } from './ddl.ts';
import { DIALECTS, type Dialect } from './dialect.ts';
import { migrationFiles } from './migrate.ts';
import { namedQuery } from './queries.ts';

const tables = (dialect: Dialect): Map<string, TableDef> =>
  new Map(
    migrationFiles(dialect)
      .flatMap((f) => f.statements)
      .filter((s) => s.startsWith('CREATE'))
      .map((s) => parseCreateTable(s))
      .map((t) => [t.name, t]),
  );
const names = (t: TableDef) => t.columns.map((c) => c.name);
const keyColumns = (t: TableDef, kind: string) => t.keys.filter((k) => k.kind === kind).flatMap((k) => k.columns);
const uniqueKeys = (t: TableDef) => t.keys.filter((k) => k.kind === 'primary' || k.kind === 'unique');

describe('the migration files', () => {
  test.each(DIALECTS)(
    '%s: every statement is a CREATE TABLE IF NOT EXISTS, an INSERT IGNORE, or an index added IF NOT EXISTS / dropped IF EXISTS, so applying them twice is harmless',
    (dialect) => {
      const files = migrationFiles(dialect);
      expect(files.map((f) => f.name)).toEqual([
        '000_schema_migrations.sql',
        '001_transactions.sql',
        '002_aggregates.sql',
        '003_bulk_loads.sql',
        '004_transaction_ids.sql',
        '005_window_results.sql',
        '006_guarantees.sql',
        '007_customer_recent_index.sql',
      ]);
      for (const s of files.flatMap((f) => f.statements))
        expect(s).toMatch(
          /^(CREATE (ROWSTORE )?(REFERENCE )?TABLE IF NOT EXISTS |INSERT IGNORE INTO \w+ \([\w, ]+\)\s+SELECT |ALTER TABLE \w+\s+(ADD INDEX IF NOT EXISTS \w+ \([\w, ]+\)|DROP INDEX IF EXISTS \w+)(,\s*(ADD INDEX IF NOT EXISTS \w+ \([\w, ]+\)|DROP INDEX IF EXISTS \w+))*$)/,
        );
    },
  );

  test('both dialects define the same tables with the same columns in the same order', () => {
    const [mysql, singlestore] = [tables('mysql'), tables('singlestore')];
    expect([...singlestore.keys()].sort()).toEqual([...mysql.keys()].sort());
    for (const [name, t] of mysql) expect(names(singlestore.get(name)!)).toEqual(names(t));
  });

  test.each(DIALECTS)('%s: transactions has exactly the columns the sink inserts', (dialect) => {
    expect(names(tables(dialect).get('transactions')!)).toEqual([...TRANSACTION_COLUMNS]);
  });

  test.each(DIALECTS)('%s: money is BIGINT, never a float', (dialect) => {
    const t = tables(dialect).get('transactions')!;
    for (const col of ['amount', 'commission_amount', 'vat_amount', 'total_amount'])
      expect(t.columns.find((c) => c.name === col)!.type).toBe('BIGINT');
    for (const [, table] of tables(dialect))
      for (const c of table.columns) expect(c.type).not.toMatch(/FLOAT|DOUBLE|REAL/);
  });

  test.each(DIALECTS)('%s: ENUM columns list exactly the values of the event schema', (dialect) => {
    const t = tables(dialect).get('transactions')!;
    const enumOf = (col: string) => t.columns.find((c) => c.name === col)!.enumValues;
    expect(enumOf('merchant_category')).toEqual([...MERCHANT_CATEGORIES]);
    expect(enumOf('payment_method')).toEqual([...PAYMENT_METHODS]);
    expect(enumOf('commission_type')).toEqual([...COMMISSION_TYPES]);
    expect(enumOf('customer_type')).toEqual([...CUSTOMER_TYPES]);
    expect(enumOf('failure_reason')).toEqual([...FAILURE_REASONS]);
    expect(enumOf('status')).toEqual([...Status.options]);
    expect(enumOf('device_os')).toEqual([...DeviceInfo.shape.os.options]);
    expect(t.columns.find((c) => c.name === 'failure_reason')!.nullable).toBe(true);
  });
});

describe('transaction ids', () => {
  test.each(DIALECTS)('%s: are unique by themselves in transaction_ids, whoever the customer', (dialect) => {
    const t = tables(dialect).get('transaction_ids')!;
    expect(uniqueKeys(t).map((k) => k.columns)).toEqual([['transaction_id']]);
    expect(names(t)).toEqual(['transaction_id', 'customer_id', 'payload_sha256', 'ingest_batch']);
    // MariaDB: not partitioned, so a key without customer_id is allowed; SingleStore: sharded on the id itself
    if (dialect === 'mysql') expect(t.partitionBy).toBeNull();
    else expect(keyColumns(t, 'shard')).toEqual(['transaction_id']);
  });

  test.each(DIALECTS)(
    '%s: the claims of rows stored before the table existed are filled in by the migration',
    (dialect) => {
      const file = migrationFiles(dialect).find((f) => f.name === '004_transaction_ids.sql')!;
      expect(file.statements[1]).toMatch(
        /^INSERT IGNORE INTO transaction_ids .* SELECT LOWER\(transaction_id\), customer_id, NULL, ingest_batch FROM transactions$/s,
      );
    },
  );
});

describe('the MariaDB dialect', () => {
  const t = tables('mysql').get('transactions')!;

  test('partitions transactions by KEY(customer_id) into 7 partitions', () => {
    expect(t.partitionBy).toEqual({ kind: 'KEY', columns: ['customer_id'], count: 7 });
  });

  test('every unique key contains the partitioning column (MariaDB refuses the table otherwise)', () => {
    for (const k of uniqueKeys(t)) expect(k.columns).toEqual(expect.arrayContaining(t.partitionBy!.columns));
  });

  test('has the indexes of seed 001: customer and time, time, amount', () => {
    expect(t.keys.filter((k) => k.kind === 'index').map((k) => [k.name, k.columns])).toEqual([
      ['idx_customer_time', ['customer_id', 'event_time']],
      ['idx_event_time', ['event_time']],
      ['idx_amount', ['amount']],
    ]);
  });

  test("then 007 replaces customer and time by an index that holds the account page's order and columns", () => {
    const [alter] = migrationFiles('mysql').find((f) => f.name === '007_customer_recent_index.sql')!.statements;
    expect(alter!.replace(/\s+/g, ' ')).toBe(
      'ALTER TABLE transactions ADD INDEX IF NOT EXISTS idx_customer_recent (customer_id, event_time, transaction_id, merchant_id, amount, status), DROP INDEX IF EXISTS idx_customer_time',
    );
    const q = namedQuery('customer_recent').sql;
    expect(q).toContain('SELECT transaction_id, event_time, merchant_id, amount, status');
    expect(q).toContain('ORDER BY event_time DESC, transaction_id DESC');
    expect(namedQuery('customer_recent').indexes).toContain('idx_customer_recent');
  });
});

describe('the SingleStore dialect', () => {
  const all = tables('singlestore');
  const t = all.get('transactions')!;

  test('shards transactions by customer_id and sorts its columnstore segments by event time', () => {
    expect(keyColumns(t, 'shard')).toEqual(['customer_id']);
    expect(keyColumns(t, 'sort')).toEqual(['event_time']);
    expect(t.options).toBe(''); // no MySQL PARTITION BY: SingleStore would reject it
  });

  test('every unique key of every sharded table contains all the shard key columns (seed 001, ERROR 1744)', () => {
    for (const [name, table] of all) {
      const shard = keyColumns(table, 'shard');
      // without a SHARD KEY a table is sharded on its primary key, which then trivially qualifies
      const shardColumns = shard.length ? shard : keyColumns(table, 'primary');
      for (const k of uniqueKeys(table)) {
        const missing = shardColumns.filter((c) => !k.columns.includes(c));
        expect({ table: name, key: k.columns, missing }).toEqual({ table: name, key: k.columns, missing: [] });
      }
    }
  });

  test('the columnstore table has a unique key to upsert on, declared USING HASH', () => {
    const stmt = migrationFiles('singlestore').find((f) => f.name === '001_transactions.sql')!.statements[0]!;
    expect(uniqueKeys(t).map((k) => k.columns)).toEqual([['customer_id', 'transaction_id']]);
    expect(stmt).toMatch(/UNIQUE KEY uq_transaction \(customer_id, transaction_id\) USING HASH/);
  });

  test('uses only the fractional-second precisions SingleStore has (0 or 6)', () => {
    for (const [, table] of all)
      for (const c of table.columns) expect(c.type).not.toMatch(/^(DATETIME|TIMESTAMP)\((?!6\))/);
  });

  test('keeps the small, hot aggregate tables in rowstore', () => {
    const stmts = migrationFiles('singlestore').find((f) => f.name === '002_aggregates.sql')!.statements;
    expect(stmts).toHaveLength(3);
    for (const s of stmts) expect(s).toMatch(/^CREATE ROWSTORE TABLE IF NOT EXISTS agg_/);
  });
});
