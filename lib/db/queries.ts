// The named queries of sql/queries.sql, read once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQL_DIR } from './migrate.ts';
import { type NamedQuery, parseNamedQueries } from './sql-text.ts';

let cached: Map<string, NamedQuery> | undefined;

export function namedQueries(): Map<string, NamedQuery> {
  cached ??= parseNamedQueries(readFileSync(join(SQL_DIR, 'queries.sql'), 'utf8'));
  return cached;
}

export function namedQuery(name: string): NamedQuery {
  const q = namedQueries().get(name);
  if (!q)
    throw new Error(`sql: no query named ${name} in sql/queries.sql (have: ${[...namedQueries().keys()].join(', ')})`);
  return q;
}
