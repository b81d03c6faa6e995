// Table names come from config (already checked there); quoting them here is the second lock.
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw new Error(`sql: refusing table name ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

/** A DATETIME as the pool returns it (`dateStrings`: '2026-01-15 10:30:45.123', UTC) or a Date, as ISO 8601. */
export function isoOf(value: Date | string): string {
  if (value instanceof Date) return value.toISOString();
  const iso = `${value.replace(' ', 'T')}${value.includes('.') ? '' : '.000'}Z`;
  return new Date(iso).toISOString();
}
