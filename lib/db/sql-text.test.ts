import { describe, expect, test } from 'bun:test';
import { namedQueries } from './queries.ts';
import { parseNamedQueries, splitStatements, withoutIndexes } from './sql-text.ts';

describe('splitStatements', () => {
  test('splits on semicolons outside quotes, drops line comments, keeps block comments', () => {
    const text = `-- header; with a semicolon
      CREATE TABLE a (x INT COMMENT 'one; two'); -- trailing
      SELECT "a;b", \`c;d\` FROM a /*hint*/ WHERE x = 'it''s';
      ;`;
    expect(splitStatements(text)).toEqual([
      "CREATE TABLE a (x INT COMMENT 'one; two')",
      "SELECT \"a;b\", `c;d` FROM a /*hint*/ WHERE x = 'it''s'",
    ]);
  });

  test('reports an unterminated quote with its position', () => {
    expect(() => splitStatements("SELECT 'oops")).toThrow("unterminated ' quote at character 7");
  });
});

describe('named queries', () => {
  test('parses name, description, indexes and one statement per query', () => {
    const q = parseNamedQueries(
      '-- preamble\n-- name: a\n-- what: first\n-- index: i1, PRIMARY\nSELECT 1 FROM t /*hint*/;\n\n-- name: a.agg\nSELECT 2;\n',
    );
    expect([...q.values()]).toEqual([
      { name: 'a', what: 'first', indexes: ['i1', 'PRIMARY'], sql: 'SELECT 1 FROM t /*hint*/' },
      { name: 'a.agg', what: '', indexes: [], sql: 'SELECT 2' },
    ]);
    expect(withoutIndexes(q.get('a')!)).toBe('SELECT 1 FROM t IGNORE INDEX (i1, PRIMARY)');
  });

  test('in sql/queries.sql, every query that names indexes has a hint marker, and every .agg query answers a raw one', () => {
    const qs = namedQueries();
    expect(qs.size).toBeGreaterThanOrEqual(8);
    for (const q of qs.values()) {
      if (q.indexes.length) expect(withoutIndexes(q)).toContain('IGNORE INDEX');
      if (q.name.endsWith('.agg')) expect(qs.has(q.name.slice(0, -4))).toBe(true);
      expect(q.sql).not.toContain(';');
    }
  });
});
