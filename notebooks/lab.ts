// Helpers shared by the lab notebooks: load a results file and check it against the lab's zod schema
// (the same one the lab wrote it with), and build small tables without any CDN library.
import { z } from 'zod';

type Display = (value: unknown) => unknown;
type Attachment = { json(): Promise<unknown> };

/** A promise that never settles: cells that depend on it stay empty instead of showing errors. */
const never = <T>() => new Promise<T>(() => {});

/**
 * The parsed results of one lab run. When the file is missing or does not match the schema, displays
 * what to do and never resolves, so the plots below stay blank rather than crash.
 */
export async function loadRun<S extends z.ZodType>(
  file: Attachment,
  schema: S,
  lab: string,
  display: Display,
): Promise<z.infer<S>> {
  // lab is "02-producer": the file is data/02-producer.json, written by `bun run lab:02`
  const rerun = `<code>bun run lab:${lab.slice(0, 2)}</code>, then <code>bun run notebooks:build</code> (or reload the preview)`;
  let raw: unknown;
  try {
    raw = await file.json();
  } catch {
    display(callout(`<b>No results yet:</b> <code>data/${lab}.json</code> was not found. Run ${rerun}.`));
    return never();
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const box = callout(
      `<b><code>data/${lab}.json</code> does not match the lab's schema</b> (written by an older lab?). Re-run ${rerun}.`,
    );
    box.appendChild(document.createElement('pre')).textContent = z.prettifyError(parsed.error);
    display(box);
    return never();
  }
  return parsed.data;
}

export function callout(innerHTML: string): HTMLElement {
  const div = document.createElement('div');
  // the notebook check (lib/testing/browser-check.ts) reports what a callout says
  div.className = 'txlab-callout';
  div.style.cssText =
    'max-width:640px;border-left:4px solid #e7040f;padding:0.5rem 1rem;background:color-mix(in srgb,#e7040f 8%,transparent);margin:1rem 0;';
  div.innerHTML = innerHTML;
  return div;
}

export type Cell = string | number | boolean | Node;

/** A plain HTML table as wide as the page; numbers are right-aligned and formatted. */
export function table(headers: string[], rows: Cell[][]): HTMLTableElement {
  const t = document.createElement('table');
  t.style.maxWidth = '100%';
  const head = t.createTHead().insertRow();
  headers.forEach((h, i) => {
    const th = head.appendChild(document.createElement('th'));
    th.textContent = h;
    if (typeof rows[0]?.[i] === 'number') th.style.textAlign = 'right';
  });
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const value of row) {
      const td = tr.insertCell();
      if (value instanceof Node) td.appendChild(value);
      else td.textContent = typeof value === 'number' ? num(value) : String(value);
      if (typeof value === 'number') td.style.textAlign = 'right';
    }
  }
  return t;
}

/** Two columns, name → value, no header: the run header and headline metrics. */
export function kv(rows: [string, Cell][]): HTMLTableElement {
  const t = table([], rows);
  t.deleteTHead();
  t.style.width = 'auto';
  for (const tr of Array.from(t.rows)) {
    tr.cells[0]!.style.color = 'var(--theme-foreground)';
    tr.cells[1]!.style.textAlign = 'left';
  }
  return t;
}

export const code = (text: string) => Object.assign(document.createElement('code'), { textContent: text });

/** 12 345, 12.3, 0.0123: integers grouped, others to 3 significant digits. */
export function num(x: number): string {
  if (Number.isInteger(x)) return x.toLocaleString('en-US').replace(/,/g, '\u2009');
  return Math.abs(x) >= 1000
    ? Math.round(x).toLocaleString('en-US').replace(/,/g, '\u2009')
    : String(Number(x.toPrecision(3)));
}

export const ms = (x: number) => `${num(x)} ms`;

/** Wall-clock duration between two ISO timestamps, e.g. "62.0 s". */
export const took = (start: string, end: string) => `${((Date.parse(end) - Date.parse(start)) / 1000).toFixed(1)} s`;

/** Kafka retention.ms as people read it: "7 d", "12 h", "forever". */
export function retention(value: string | undefined): string {
  if (value === undefined) return 'broker default';
  const v = Number(value);
  if (v < 0) return 'forever';
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) if (v >= size && v % size === 0) return `${v / size} ${unit}`;
  return `${v} ms`;
}

/** The run envelope every lab writes: id, timing and where it ran. */
export function envelope(run: {
  run_id: string;
  started_at: string;
  ended_at: string;
  environment: { kafka_brokers: string[]; hostname: string; cpus: number; bun_version: string };
}): [string, Cell][] {
  return [
    ['run id', code(run.run_id)],
    ['started', run.started_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')],
    ['took', took(run.started_at, run.ended_at)],
    ['brokers', run.environment.kafka_brokers.join(', ')],
    ['machine', `${run.environment.hostname}, ${run.environment.cpus} CPUs, bun ${run.environment.bun_version}`],
  ];
}

/** Side-by-side blocks that wrap on narrow screens. */
export function row(...children: Node[]): HTMLElement {
  const div = document.createElement('div');
  div.style.cssText = 'display:flex;gap:0 2rem;flex-wrap:wrap;align-items:flex-start;';
  for (const child of children) {
    // tables start narrow and grow, so two fit side by side and long values wrap inside their cell
    if (child instanceof HTMLTableElement) child.style.flex = '1 1 300px';
    div.append(child);
  }
  return div;
}
