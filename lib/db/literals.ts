// Values as SQL literals for the MySQL wire dialects (MariaDB, MySQL, SingleStore): strings quoted
// with backslash escapes, numbers checked finite, bigints exact, times as UTC DATETIME text. Pure.
import { TxlabError } from '../errors.ts';

/** `2026-01-15T10:30:45.123Z` or epoch ms → `2026-01-15 10:30:45.123` (UTC, as every DATETIME here). */
export function sqlDatetime(time: string | number): string {
  const iso = typeof time === 'number' ? new Date(time).toISOString() : time;
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

const SPECIAL = /[\0\b\t\n\r\x1a"'\\]/g;
const ESCAPES: Record<string, string> = {
  '\0': '\\0',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\x1a': '\\Z',
  '"': '\\"',
  "'": "\\'",
  '\\': '\\\\',
};

/** A quoted SQL string literal (backslash escapes, as MySQL, MariaDB and SingleStore read them by default). */
export function str(s: string): string {
  return `'${s.replace(SPECIAL, (c) => ESCAPES[c]!)}'`;
}

function num(n: number): string {
  if (!Number.isFinite(n)) throw new TxlabError(`sql: not a finite number: ${n}`);
  return String(n);
}

export type SqlValue = string | number | bigint | null;

/** A value as an SQL literal: NULL, a number, or a quoted string. */
export function sqlLiteral(v: SqlValue): string {
  return v === null ? 'NULL' : typeof v === 'string' ? str(v) : typeof v === 'bigint' ? v.toString() : num(v);
}

/** A value as a field of LOAD DATA's default text format: tab, newline, CR, NUL and backslash escaped; \N is NULL. */
export function tsvField(v: SqlValue): string {
  if (v === null) return '\\N';
  if (typeof v !== 'string') return String(v);
  return v.replace(/[\\\t\n\r\0]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\0',
  );
}

/** Rows as LOAD DATA's default text: fields tab-separated, one line per row. */
export function tsvLines(rows: Iterable<readonly SqlValue[]>): Buffer {
  let text = '';
  for (const r of rows) text += `${r.map(tsvField).join('\t')}\n`;
  return Buffer.from(text);
}
