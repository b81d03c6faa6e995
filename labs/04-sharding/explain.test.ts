import { describe, expect, test } from 'bun:test';
import { pruningFromMariaJson, pruningFromSingleStore } from './explain.ts';

describe("MariaDB's EXPLAIN FORMAT=JSON", () => {
  test('a query that names the customer reads one partition, through the key it chose', () => {
    const plan = {
      query_block: {
        select_id: 1,
        nested_loop: [
          { table: { table_name: 'transactions', partitions: ['p3'], access_type: 'ref', key: 'PRIMARY', rows: 1290 } },
        ],
      },
    };
    expect(pruningFromMariaJson(plan, 'transactions', 7)).toEqual({
      partitions: ['p3'],
      total: 7,
      pruned: true,
      index: 'PRIMARY',
      estimated_rows: 1290,
    });
  });

  test('a full scan under a filesort reads every partition, with no index', () => {
    const plan = {
      query_block: {
        filesort: {
          temporary_table: {
            table: {
              table_name: 'transactions',
              partitions: ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6'],
              access_type: 'ALL',
              rows: 1000000,
            },
          },
        },
      },
    };
    expect(pruningFromMariaJson(plan, 'transactions', 7)).toMatchObject({
      pruned: false,
      index: null,
      estimated_rows: 1000000,
    });
  });

  test('says so when the plan never touches the table', () => {
    expect(() => pruningFromMariaJson({ query_block: {} }, 'transactions', 7)).toThrow('no access to transactions');
  });
});

describe("SingleStore's EXPLAIN", () => {
  test('`Gather partitions:single` is a query pinned to one partition by the shard key', () => {
    const plan =
      'Project [t.transaction_id]\nGather partitions:single alias:remote_0\nProject [t.transaction_id]\nIndexRangeScan txlab.transactions, KEY idx_customer (customer_id) scan:[customer_id = 42]';
    expect(pruningFromSingleStore(plan, 8)).toEqual({
      partitions: ['one'],
      total: 8,
      pruned: true,
      index: 'idx_customer',
      estimated_rows: null,
    });
  });

  test('`Gather partitions:all` fans out to every partition', () => {
    const plan =
      'Project [ct.a, ct.b]\nGather partitions:all\nProject [ct.a, ct.b]\nColumnStoreScan db1.ct, KEY a (a) USING CLUSTERED COLUMNSTORE';
    expect(pruningFromSingleStore(plan, 8)).toMatchObject({ pruned: false, index: 'a' });
    expect(pruningFromSingleStore(plan, 8).partitions).toHaveLength(8);
  });
});
