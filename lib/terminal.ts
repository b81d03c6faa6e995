// What a lab prints: a progress line while it runs, aligned tables and numbers at the end.

/** Renders rows as an aligned text table; numbers right-aligned, with thousands separators. */
export function table(rows: Record<string, string | number>[], title?: string): string {
  if (rows.length === 0) return title ? `${title}\n  (none)` : '  (none)';
  const cols = Object.keys(rows[0]!);
  const cell = (v: string | number | undefined) => (typeof v === 'number' ? fmt(v) : (v ?? ''));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: (string | number | undefined)[]) =>
    '  ' +
    vals
      .map((v, i) => (typeof v === 'number' ? cell(v).padStart(widths[i]!) : cell(v).padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [
    line(cols),
    '  ' + widths.map((w) => '─'.repeat(w)).join('  '),
    ...rows.map((r) => line(cols.map((c) => r[c]))),
  ];
  return (title ? `${title}\n` : '') + out.join('\n');
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n.toLocaleString('en-US', { maximumFractionDigits: Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 1 ? 2 : 4 });
}

/** A progress reporter: rewrites one line on a terminal, prints a line every few seconds otherwise. */
export function progress(label: string, everyMs = 1000) {
  const tty = process.stderr.isTTY;
  let last = 0;
  let lastLog = 0;
  return {
    update(text: string, force = false) {
      const now = performance.now();
      if (!force && now - last < everyMs) return;
      last = now;
      if (tty) process.stderr.write(`\r\x1b[2K${label} ${text}`);
      else if (force || now - lastLog >= 5000) {
        lastLog = now;
        process.stderr.write(`${label} ${text}\n`);
      }
    },
    done(text: string) {
      if (tty) process.stderr.write(`\r\x1b[2K`);
      process.stderr.write(`${label} ${text}\n`);
    },
  };
}
