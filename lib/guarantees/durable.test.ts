import { describe, expect, test } from 'bun:test';
import type { Producer } from 'kafkajs';
import type { PoolConnection } from 'mysql2/promise';
import { isTransaction, watchConnection, watchTransactions, wrote } from './durable.ts';

/** A stand-in connection that records what reaches it. */
function connection(log: string[]) {
  return {
    beginTransaction: async () => void log.push('begin'),
    commit: async () => void log.push('commit'),
    rollback: async () => void log.push('rollback'),
    query: async (sql: string) => (log.push(sql), [[], []]),
    release: () => void log.push('release'),
  } as unknown as PoolConnection;
}

/** A stand-in transactional producer that records what reaches it. */
function producer(log: string[]) {
  const txn = {
    send: async () => (log.push('send'), []),
    sendBatch: async () => (log.push('sendBatch'), []),
    sendOffsets: async () => void log.push('sendOffsets'),
    commit: async () => void log.push('commit'),
    abort: async () => void log.push('abort'),
  };
  return { transaction: async () => txn, send: async () => (log.push('plain send'), []) } as unknown as Producer;
}

describe('seeing when a SQL write becomes durable', () => {
  test('a write in autocommit is durable at once', async () => {
    const log: string[] = [];
    const conn = watchConnection(connection(log), async () => void log.push('DURABLE'));
    await conn.query('INSERT 1');
    await wrote(conn, async () => void log.push('DURABLE'));
    expect(log).toEqual(['INSERT 1', 'DURABLE']);
  });

  test('a write in a transaction is durable when the transaction commits, and the commit has reached the server', async () => {
    const log: string[] = [];
    const durable = async () => void log.push('DURABLE');
    const conn = watchConnection(connection(log), durable);
    await conn.beginTransaction();
    await wrote(conn, durable);
    await wrote(conn, durable);
    await conn.commit();
    conn.release();
    expect(log).toEqual(['begin', 'commit', 'DURABLE', 'release']);
  });

  test('the same with the statements START TRANSACTION and COMMIT', async () => {
    const log: string[] = [];
    const durable = async () => void log.push('DURABLE');
    const conn = watchConnection(connection(log), durable);
    await conn.query('START TRANSACTION');
    await wrote(conn, durable);
    await conn.query('commit');
    expect(log).toEqual(['START TRANSACTION', 'commit', 'DURABLE']);
  });

  test('a transaction rolled back, or one that held no write, makes nothing durable', async () => {
    const log: string[] = [];
    const durable = async () => void log.push('DURABLE');
    const conn = watchConnection(connection(log), durable);
    await conn.beginTransaction();
    await wrote(conn, durable);
    await conn.query('ROLLBACK TO SAVEPOINT a'); // still in the transaction
    await conn.rollback();
    await conn.beginTransaction();
    await conn.commit();
    expect(log).toEqual(['begin', 'ROLLBACK TO SAVEPOINT a', 'rollback', 'begin', 'commit']);
  });
});

describe('seeing when a Kafka write becomes durable', () => {
  test('a transaction that held records or offsets is durable once its commit is acknowledged; an empty one is not', async () => {
    const log: string[] = [];
    const p = watchTransactions(producer(log), async () => void log.push('DURABLE'));
    const empty = await p.transaction();
    await empty.commit();
    const txn = await p.transaction();
    expect(isTransaction(txn)).toBe(true);
    await txn.sendOffsets({ consumerGroupId: 'g', topics: [] });
    await txn.commit();
    expect(log).toEqual(['commit', 'sendOffsets', 'commit', 'DURABLE']);
  });

  test('the producer itself is not taken for one of its transactions', async () => {
    const p = watchTransactions(producer([]), async () => {});
    expect(isTransaction(p)).toBe(false);
  });
});
