// What a `bun test --reporter=junit` report says: the counts, and the failed tests with where each is
// and what it said. Pure: the report's text in (scripts/test-report.ts prints both at the end of a run,
// where a CI log that keeps only its tail still shows them).

export type Failure = { file: string; line: number | null; name: string; text: string };

const ENTITIES: Record<string, string> = { quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' };

export function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|quot|apos|lt|gt|amp);/g, (_, e: string) =>
    e.startsWith('#x')
      ? String.fromCodePoint(Number.parseInt(e.slice(2), 16))
      : e.startsWith('#')
        ? String.fromCodePoint(Number(e.slice(1)))
        : (ENTITIES[e] ?? ''),
  );
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescapeXml(m[1]!) : undefined;
};

/** Every `<testcase>` holding a `<failure>` (or `<error>`), in report order. */
export function failures(report: string): Failure[] {
  const out: Failure[] = [];
  const testcase = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of report.matchAll(testcase)) {
    const body = m[3];
    if (!body) continue;
    const f = /<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/.exec(body);
    if (!f) continue;
    const tag = m[1]!;
    const line = attr(tag, 'line');
    out.push({
      file: attr(tag, 'file') ?? '?',
      line: line === undefined ? null : Number(line),
      name: attr(tag, 'name') ?? '?',
      text: unescapeXml(f[3] ?? attr(f[2]!, 'message') ?? f[1]!).trimEnd(),
    });
  }
  return out;
}

/** The failures as a block of text of at most `maxChars`: each one's place and name, then what it said
 * (each cut to its share; the end of a message is kept, where an appended lab output ends). */
export function formatFailures(list: Failure[], maxChars = 7000): string {
  if (list.length === 0) return '';
  const share = Math.max(400, Math.floor(maxChars / list.length) - 120);
  const parts = list.map((f) => {
    const text = f.text.length > share ? `…${f.text.slice(-share)}` : f.text;
    const where = f.line === null ? f.file : `${f.file}:${f.line}`;
    return `✗ ${where}  ${f.name}\n${text.replace(/^/gm, '    ')}`;
  });
  let block = `${list.length} failed — what each said:\n${parts.join('\n\n')}`;
  if (block.length > maxChars) block = `${block.slice(0, maxChars)}\n  … (cut at ${maxChars} characters)`;
  return block;
}

export type Counts = { passed: number; failed: number; skipped: number };

/** The totals of the report's `<testsuites>` element, or null if it has none. */
export function counts(report: string): Counts | null {
  const tag = /<testsuites\b[^>]*>/.exec(report)?.[0];
  if (!tag) return null;
  const n = (name: string) => Number(attr(tag, name) ?? Number.NaN);
  const [tests, failed, skipped] = [n('tests'), n('failures'), n('skipped')];
  if (![tests, failed, skipped].every(Number.isInteger)) return null;
  return { passed: tests - failed - skipped, failed, skipped };
}

/** One closing line in the plain form any CI reads. */
export const countsLine = (c: Counts) => `tests: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
