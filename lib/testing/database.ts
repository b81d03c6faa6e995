// For integration tests that need only the database: one of their own on the shared server, named by a
// random prefix, created with the pipeline's schema and dropped at the end (never someone else's).
import { afterAll, beforeAll } from 'bun:test';
import { loadConfig } from '../config.ts';
import { type Db, dbTarget, dropDatabase, ensureDatabase, openDb } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { testPrefix } from './isolation.ts';

/** The configured database's URL with its password written in: for a child process told the database is external. */
export function databaseUrlWithPassword(): string {
  const c = loadConfig();
  const u = new URL(c.db.url);
  u.password = encodeURIComponent(dbTarget(c.db.url).password);
  return u.toString();
}

/** The database of a fresh random TXLAB_PREFIX on the same server. */
export function scratchDatabaseUrl(name = 'test'): string {
  return loadConfig({ ...process.env, TXLAB_PREFIX: testPrefix(name) }).db.url;
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
