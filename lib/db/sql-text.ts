// Reading the files under sql/: splitting a file into statements, and the named-query format of
// sql/queries.sql. Pure text handling, so the SingleStore files can be checked without a SingleStore.

/**
 * Splits SQL text on `;` outside quotes and comments, dropping `--` comment lines and empty statements.
 * Block comments stay in the statement (`/*hint*\/` markers must survive); quotes may contain `;`.
 */
export function splitStatements(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) throw new Error(`sql: unterminated /* comment at character ${i}`);
      current += text.slice(i, end + 2);
      i = end + 2;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      const end = closingQuote(text, i);
      current += text.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (c === ';') {
      if (current.trim()) out.push(current.trim());
      current = '';
    } else current += c;
    i++;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function closingQuote(text: string, start: number): number {
  const q = text[start]!;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\' && q !== '`') i++;
    else if (text[i] === q) {
      if (text[i + 1] === q)
        i++; // '' inside '...'
      else return i;
    }
  }
  throw new Error(`sql: unterminated ${q} quote at character ${start}`);
}

export type NamedQuery = {
  name: string;
  /** one line saying what the query answers */
  what: string;
  /** indexes that serve it; lab 04 runs it again with them ignored */
  indexes: string[];
  sql: string;
};

/** Parses `-- name: x` blocks (with optional `-- what:` / `-- index:` lines) into queries by name. */
export function parseNamedQueries(text: string): Map<string, NamedQuery> {
  const queries = new Map<string, NamedQuery>();
  const blocks = text.split(/^-- name:\s*/m).slice(1);
  for (const block of blocks) {
    const name = block.slice(0, block.indexOf('\n')).trim();
    const meta = (key: string) => block.match(new RegExp(`^-- ${key}:\\s*(.+)$`, 'm'))?.[1]?.trim();
    const statements = splitStatements(block.slice(block.indexOf('\n')));
    if (statements.length !== 1) throw new Error(`sql: query ${name} has ${statements.length} statements, expected 1`);
    if (queries.has(name)) throw new Error(`sql: query ${name} is defined twice`);
    queries.set(name, {
      name,
      what: meta('what') ?? '',
      indexes: (meta('index') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      sql: statements[0]!,
    });
  }
  return queries;
}

const HINT = '/*hint*/';

/** The query with `IGNORE INDEX (...)` where its `/*hint*\/` marker stands: the same question, without those indexes. */
export function withoutIndexes(q: NamedQuery): string {
  if (q.indexes.length === 0) throw new Error(`sql: query ${q.name} names no index to ignore`);
  if (!q.sql.includes(HINT)) throw new Error(`sql: query ${q.name} has no ${HINT} marker for an index hint`);
  return q.sql.replace(HINT, `IGNORE INDEX (${q.indexes.join(', ')})`);
}
