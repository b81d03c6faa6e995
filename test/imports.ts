// Reads the imports of a source file as text (the same static view a bundler takes): what it imports,
// from where, on which line, and whether only types. For the boundary test; pure.

export type Import = { from: string; line: number; typeOnly: boolean; text: string };

const STATIC = /^\s*(import|export)\s+(type\s+)?([^'"]*?)\s*from\s*['"]([^'"]+)['"]/;
const BARE = /^\s*import\s+['"]([^'"]+)['"]/;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every import and re-export in `source`, one per statement (multi-line import lists are joined first). */
export function readImports(source: string): Import[] {
  const out: Import[] = [];
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let text = lines[i]!;
    const start = i;
    // an import whose names span lines: join until its `from '...'`
    if (/^\s*(import|export)\b[^'"]*\{[^}]*$/.test(text) && !/\bfrom\b/.test(text)) {
      while (i + 1 < lines.length && !/\bfrom\s*['"]/.test(text)) text += ` ${lines[++i]!.trim()}`;
    }
    const m = STATIC.exec(text);
    if (m) {
      const names = m[3]!;
      // `import type {...}` or every name marked `type`
      const inner = /\{([^}]*)\}/.exec(names)?.[1];
      const allTypes =
        inner !== undefined &&
        !/^\s*\w/.test(names) &&
        inner.split(',').every((n) => n.trim() === '' || /^type\s/.test(n.trim()));
      out.push({ from: m[4]!, line: start + 1, typeOnly: Boolean(m[2]) || allTypes, text: text.trim() });
      continue;
    }
    const bare = BARE.exec(text);
    if (bare) out.push({ from: bare[1]!, line: start + 1, typeOnly: false, text: text.trim() });
    for (const d of text.matchAll(DYNAMIC))
      out.push({ from: d[1]!, line: start + 1, typeOnly: false, text: text.trim() });
  }
  return out;
}

/** The module scripts of an HTML page (notebooks), with the line numbers they have in the page. */
export function scriptsOf(html: string): string {
  const lines = html.split('\n');
  let inside = false;
  return lines
    .map((l) => {
      if (/<script\b[^>]*type="module"/.test(l)) inside = true;
      const keep = inside ? l : '';
      if (/<\/script>/.test(l)) inside = false;
      return keep;
    })
    .join('\n');
}
