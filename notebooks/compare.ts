// "Compare with an earlier run", shared by the lab notebooks. Every run a lab writes is kept in
// data/NN-name/<run_id>.json (lib/results/write.ts); scripts/notebooks.ts serves or copies that folder
// beside the pages with an index.json, which these helpers fetch relative to the page. Plain DOM only.
import type { z } from 'zod';
import { type Cell, code, num, table } from './lab.ts';

type Display = (value: unknown) => unknown;
type Run = { run_id: string; started_at: string; parameters?: unknown };
/** One entry of data/NN-name/index.json, as scripts/notebooks.ts writes it. */
type Entry = Run & { file: string };

/** A figure to compare: its label (with the unit), how to read it from a run, and which way is better. */
export type Metric<R> = [label: string, value: (run: R) => number | null | undefined, better?: 'higher' | 'lower'];

/** The two runs' colours in every overlay plot: `color: compareColor`. */
export const compareColor = { domain: ['earlier', 'latest'], range: ['#999', 'steelblue'], legend: true };

const never = <T>() => new Promise<T>(() => {});

/** "2026-11-28 16:31:51Z · 200/s for 30 s": when a run started and what it was asked to do. */
function label<R extends Run>(run: R, describe: (parameters: R['parameters']) => string): string {
  const when = run.started_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  let what = '';
  try {
    what = describe(run.parameters);
  } catch {
    // a run written by an older lab may lack a parameter the description reads
  }
  return what ? `${when} · ${what}` : `${when} · ${run.run_id}`;
}

async function index(lab: string): Promise<Entry[]> {
  try {
    const response = await fetch(`data/${lab}/index.json`, { cache: 'no-store' });
    return response.ok ? ((await response.json()) as Entry[]) : [];
  } catch {
    return [];
  }
}

/**
 * A `<select>` of the lab's earlier runs, newest first, labelled with their start time and
 * `describe(parameters)`, above a line naming the latest run; use it as
 * `const earlierId = view(await runPicker(…))`. Its value is a run id, or "" when the history holds no run
 * but the latest.
 */
export async function runPicker<R extends Run>(
  lab: string,
  latest: R,
  describe: (parameters: R['parameters']) => string,
): Promise<HTMLElement> {
  const runs = (await index(lab)).filter((r) => r.run_id !== latest.run_id);
  const select = document.createElement('select');
  select.style.cssText = 'max-width:100%;font:inherit;';
  for (const r of runs) select.add(new Option(label(r as Run as R, describe), r.run_id));
  if (runs.length === 0) {
    select.add(new Option('no earlier run yet', ''));
    select.disabled = true;
  }
  const wrap = document.createElement('label');
  wrap.style.cssText = 'display:block;margin:0.5rem 0;';
  wrap.append('earlier run ', select);
  const now = wrap.appendChild(document.createElement('div'));
  now.style.cssText = 'color:var(--theme-foreground-muted);font-size:0.9em;';
  now.textContent = `latest run: ${label(latest, describe)}`;
  // view() listens for "input" on the element it is given, which the select's bubble to, and reads its value
  Object.defineProperty(wrap, 'value', { get: () => select.value });
  return wrap;
}

/**
 * The earlier run picked (`runId` from the picker), checked against the lab's schema. With no earlier
 * run, displays how to make one (`tryThis`, a command) and never resolves, so the comparison stays empty.
 * A run whose file no longer matches the schema is used as it is, with a note: figures it lacks show "—".
 */
export async function earlierRun<S extends z.ZodType>(
  lab: string,
  runId: string,
  schema: S,
  display: Display,
  tryThis: string,
): Promise<z.infer<S>> {
  if (!runId) {
    const p = document.createElement('p');
    p.append(
      Object.assign(document.createElement('b'), { textContent: 'No earlier run to compare with yet.' }),
      ' Every run of this lab is kept in ',
      code(`data/${lab}/`),
      ' (the last 20): run it again with something changed, e.g. ',
      code(tryThis),
      ', then reload the preview or run ',
      code('bun run notebooks:build'),
      ' again.',
    );
    display(p);
    return never();
  }
  const response = await fetch(`data/${lab}/${encodeURIComponent(runId)}.json`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`data/${lab}/${runId}.json: HTTP ${response.status} (rebuild the notebooks?)`);
  const raw = await response.json();
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  display(
    Object.assign(document.createElement('p'), {
      textContent: `This run was written by an older version of the lab (its file no longer matches the schema): figures it lacks show "—".`,
    }),
  );
  return raw as z.infer<S>;
}

const read = <R>(run: R, value: (run: R) => number | null | undefined): number | undefined => {
  try {
    const x = value(run);
    return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
  } catch {
    return undefined;
  }
};

const signed = (x: number, unit = '') => `${x > 0 ? '+' : x < 0 ? '−' : '±'}${num(Math.abs(x))}${unit}`;

/** Leaf values of a parameters object by dotted path: { a: { b: 1 } } → ["a.b", "1"]. */
function leaves(value: unknown, path = ''): [string, string][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  }
  return [[path, JSON.stringify(value) ?? 'undefined']];
}

/** "rate_per_s 200 → 400; seed 42 → 7": the parameters that differ between two runs. */
export function changedParameters(earlier: unknown, latest: unknown): string {
  const before = new Map(leaves(earlier));
  const after = new Map(leaves(latest));
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  const changed = keys.filter((k) => before.get(k) !== after.get(k));
  return changed.map((k) => `${k} ${before.get(k) ?? '—'} → ${after.get(k) ?? '—'}`).join('; ');
}

/**
 * The parameters that differ, then a table of `metrics`: earlier, latest, change and change in %;
 * a change is green when it goes the metric's better way and red when it goes the other.
 */
export function compareRuns<R extends { parameters?: unknown }>(
  earlier: R,
  latest: R,
  metrics: Metric<R>[],
): HTMLElement {
  const div = document.createElement('div');
  const changed = changedParameters(earlier.parameters, latest.parameters);
  div.appendChild(document.createElement('p')).textContent = changed
    ? `Parameters that differ (earlier → latest): ${changed}.`
    : 'Both runs had the same parameters: the differences below are run-to-run variation.';
  const rows = metrics.map(([name, value, better]): Cell[] => {
    const [a, b] = [read(earlier, value), read(latest, value)];
    if (a === undefined || b === undefined) return [name, a ?? '—', b ?? '—', '—', '—'];
    const delta = b - a;
    const span = (text: string) => {
      const s = document.createElement('span');
      s.textContent = text;
      const good = better === 'higher' ? delta > 0 : better === 'lower' ? delta < 0 : undefined;
      if (good !== undefined && delta !== 0) s.style.color = good ? '#1a7f37' : '#e7040f';
      return s;
    };
    return [name, a, b, span(signed(delta)), span(a === 0 ? '—' : signed((delta / Math.abs(a)) * 100, ' %'))];
  });
  const t = div.appendChild(table(['', 'earlier', 'latest', 'change', 'change %'], rows));
  t.style.width = 'auto';
  for (const tr of Array.from(t.rows)) for (const c of Array.from(tr.cells).slice(1)) c.style.textAlign = 'right';
  return div;
}

/** The rows of both runs in one array, each tagged `run: "earlier" | "latest"`, for one overlay plot. */
export function bothRuns<R, T extends object>(earlier: R, latest: R, rows: (run: R) => T[]): (T & { run: string })[] {
  const tagged = (r: R, run: string) => {
    try {
      return rows(r).map((d) => ({ ...d, run }));
    } catch {
      return [];
    }
  };
  return [...tagged(earlier, 'earlier'), ...tagged(latest, 'latest')];
}
