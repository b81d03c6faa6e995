// The exactly-once SQL pipeline's fencing on the real database: a position moves only from where its
// process read it, so a zombie (a replaced instance still running) cannot commit rows over a newer one.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type Db, ensureDatabase, openDb } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { useEngines } from '../testing/engines.ts';
import { isolated } from '../testing/isolation.ts';
import { FencedError, insertOutputs, movePosition, readOutputs, readPositions } from './store.ts';
import { settle } from './settle.ts';

useEngines('db');

const iso = isolated('guarantee_store');
let db: Db;
const scope = { runId: 'r1', pipeline: 'exactly-once.sql' as const };
const at = (from: number | null, to: number) => ({ topic: 'in', partition: 0, from, to });

beforeAll(async () => {
  await ensureDatabase(iso.config.db.url);
  db = await openDb(iso.config.db.url, 2);
  await migrate(db);
});
afterAll(async () => {
  await db?.pool.end();
  await iso.cleanup();
});

describe('a position in the database', () => {
  test('moves from where it was read; a process that read an older one is fenced and its rows roll back', async () => {
    await movePosition(db.pool, scope, at(null, 100));
    await movePosition(db.pool, scope, at(100, 200)); // the live instance
    // the zombie read 100 before the live one moved it: its transaction rolls back, rows and all
    const conn = await db.pool.getConnection();
    try {
      await conn.beginTransaction();
      await insertOutputs(conn, scope, [settle('{}', { partition: 0, offset: 150 })], 1);
      const moved = movePosition(conn, scope, at(100, 250));
      await expect(moved).rejects.toBeInstanceOf(FencedError);
      await conn.rollback();
    } finally {
      conn.release();
    }
    expect(await readPositions(db.pool, scope, 'in')).toEqual(new Map([[0, 200]]));
    expect(await readOutputs(db.pool, scope)).toEqual([]);
  });

  test('a second process starting the same partition from nothing is fenced too', async () => {
    const s = { ...scope, runId: 'r2' };
    await movePosition(db.pool, s, at(null, 10));
    await expect(movePosition(db.pool, s, at(null, 20))).rejects.toBeInstanceOf(FencedError);
  });
});
