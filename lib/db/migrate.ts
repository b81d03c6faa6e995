// Applies sql/<dialect>/NNN_*.sql at start, idempotently: every statement is CREATE ... IF NOT EXISTS,
// and schema_migrations records each applied file with a checksum, so a rerun skips it and a file
// edited after it was applied is reported (migrations are append-only: add a new file instead).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { PROJECT_ROOT } from '../config.ts';
import type { Db } from './connect.ts';
import type { Dialect } from './dialect.ts';
import { splitStatements } from './sql-text.ts';

export const SQL_DIR = join(PROJECT_ROOT, 'sql');

export type MigrationFile = { name: string; text: string; checksum: string; statements: string[] };
export type MigrationReport = { applied: string[]; skipped: string[]; changed: string[] };

/** The dialect's migration files in order (`000_...sql`, `001_...sql`, ...). */
export function migrationFiles(dialect: Dialect, dir = join(SQL_DIR, dialect)): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      return {
        name,
        text,
        checksum: createHash('sha256').update(text).digest('hex'),
        statements: splitStatements(text),
      };
    });
}

export async function migrate(db: Db): Promise<MigrationReport> {
  const report: MigrationReport = { applied: [], skipped: [], changed: [] };
  const recorded = await recordedMigrations(db);
  for (const file of migrationFiles(db.dialect)) {
    const id = `${db.dialect}/${file.name}`;
    const seen = recorded.get(id);
    if (seen !== undefined) {
      (seen === file.checksum ? report.skipped : report.changed).push(id);
      continue;
    }
    for (const statement of file.statements) {
      try {
        await db.pool.query(statement);
      } catch (e) {
        throw new Error(
          `db: migration ${id} failed on ${db.server}: ${(e as Error).message}\n  in: ${statement.slice(0, 200)}`,
        );
      }
    }
    await db.pool.query(
      'INSERT IGNORE INTO schema_migrations (name, checksum, applied_at) VALUES (?, ?, UTC_TIMESTAMP())',
      [id, file.checksum],
    );
    report.applied.push(id);
  }
  return report;
}

async function recordedMigrations(db: Db): Promise<Map<string, string>> {
  try {
    const [rows] = await db.pool.query<RowDataPacket[]>('SELECT name, checksum FROM schema_migrations');
    return new Map(rows.map((r) => [String(r.name), String(r.checksum)]));
  } catch (e) {
    if ((e as { errno?: number }).errno === 1146) return new Map(); // no such table: a fresh database
    throw e;
  }
}

/** One line for a lab's output: what the migration did. */
export function describeMigration(r: MigrationReport): string {
  const parts = [r.applied.length ? `applied ${r.applied.join(', ')}` : 'schema up to date'];
  if (r.changed.length)
    parts.push(`changed since applied (not re-run; add a new file instead): ${r.changed.join(', ')}`);
  return parts.join('; ');
}
