// For integration tests: a database of their own on the shared server, named for the run, created
// with the pipeline's schema and dropped at the end (never someone else's).
import { afterAll, beforeAll } from 'bun:test';
import { config } from '../config.ts';
import { type Db, dropDatabase, ensureDatabase, openDb, withDatabase } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { randomName } from './engines.ts';

/** DATABASE_URL with a fresh random database name on the same server. */
export function scratchDatabaseUrl(prefix = 'test', base = config().db.url): string {
  return withDatabase(base, randomName(prefix));
}

/** A migrated scratch database for the file's tests; `db()` is valid inside tests. Call after useEngines. */
export function useScratchDatabase(prefix = 'test'): { url: string; db: () => Db } {
  const url = scratchDatabaseUrl(prefix);
  let db: Db | undefined;
  beforeAll(async () => {
    await ensureDatabase(url);
    db = await openDb(url, 4);
    await migrate(db);
  });
  afterAll(async () => {
    await db?.pool.end().catch(() => {});
    await dropDatabase(url);
  });
  return {
    url,
    db: () => {
      if (!db) throw new Error('scratch database not open yet: use it inside a test');
      return db;
    },
  };
}
