// Reads CREATE TABLE statements into columns and keys, so that tests can check the rules both dialects
// impose (unique keys contain the partition / shard key; a SORT KEY exists) without running an engine.
// Handles the subset of DDL in sql/: one CREATE TABLE per statement, keys declared in the body.

export type KeyKind = 'primary' | 'unique' | 'index' | 'shard' | 'sort';
export type KeyDef = { kind: KeyKind; name: string | null; columns: string[] };
export type ColumnDef = { name: string; type: string; enumValues: string[] | null; nullable: boolean };
export type TableDef = {
  name: string;
  columns: ColumnDef[];
  keys: KeyDef[];
  partitionBy: { kind: string; columns: string[]; count: number | null } | null;
  options: string;
};

export function parseCreateTable(statement: string): TableDef {
  const head = statement.match(
    /^CREATE\s+(?:ROWSTORE\s+)?(?:REFERENCE\s+)?TABLE\s+IF\s+NOT\s+EXISTS\s+`?(\w+)`?\s*\(/i,
  );
  if (!head) throw new Error(`ddl: not a CREATE TABLE IF NOT EXISTS statement: ${statement.slice(0, 80)}`);
  const open = head[0].length - 1;
  const close = matchingParen(statement, open);
  const body = statement.slice(open + 1, close);
  const options = statement.slice(close + 1).trim();
  const table: TableDef = { name: head[1]!, columns: [], keys: [], partitionBy: null, options };
  for (const part of splitTopLevel(body)) {
    const key = part.match(
      /^(PRIMARY\s+KEY|UNIQUE\s+(?:KEY|INDEX)|KEY|INDEX|SHARD\s+KEY|SORT\s+KEY)\s*(`?\w+`?)?\s*\(([^)]*)\)/i,
    );
    if (key) {
      const word = key[1]!.toUpperCase().replace(/\s+/g, ' ');
      const kind: KeyKind =
        word === 'PRIMARY KEY'
          ? 'primary'
          : word.startsWith('UNIQUE')
            ? 'unique'
            : word === 'SHARD KEY'
              ? 'shard'
              : word === 'SORT KEY'
                ? 'sort'
                : 'index';
      table.keys.push({ kind, name: key[2]?.replaceAll('`', '') ?? null, columns: columnList(key[3]!) });
      continue;
    }
    const col = part.match(/^`?(\w+)`?\s+([A-Za-z]+(?:\s*\([^)]*\))?(?:\s+UNSIGNED)?)/);
    if (!col) throw new Error(`ddl: ${table.name}: cannot read "${part.slice(0, 60)}"`);
    const enumValues = /^ENUM/i.test(col[2]!) ? [...col[2]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!) : null;
    table.columns.push({
      name: col[1]!,
      type: col[2]!.replace(/\s+/g, ' ').toUpperCase(),
      enumValues,
      nullable: !/\bNOT\s+NULL\b/i.test(part),
    });
  }
  const p = options.match(/PARTITION\s+BY\s+(KEY|HASH|RANGE|LIST)\s*\(([^)]*)\)(?:\s+PARTITIONS\s+(\d+))?/i);
  if (p)
    table.partitionBy = { kind: p[1]!.toUpperCase(), columns: columnList(p[2]!), count: p[3] ? Number(p[3]) : null };
  return table;
}

const columnList = (s: string) =>
  s
    .split(',')
    .map((c) => c.trim().replaceAll('`', '').split(/\s+/)[0]!)
    .filter(Boolean);

function matchingParen(s: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw new Error('ddl: unbalanced parentheses');
}

/** Splits a table body on commas outside parentheses and quotes. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (const c of body) {
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}
