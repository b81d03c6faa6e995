// What a rendered notebook page looked like (gathered in the browser by lib/testing/browser-check.ts)
// and the verdict on it: the problems a reader would see. Pure, so the rules are tested on plain values.

/** One mark of a Plot figure: its aria-label ("bar", "line", "x-axis tick", …) and how many shapes it drew. */
export type MarkSnapshot = { mark: string; shapes: number };

/** One Plot chart on the page, with the notebook cell it sits in (`cell-7`). */
export type PlotSnapshot = { cell: string; marks: MarkSnapshot[] };

/** What the page showed once it settled, gathered by `snapshotPage` in the browser. */
export type PageSnapshot = {
  plots: PlotSnapshot[];
  /** SVG attributes or texts containing NaN: `cell-12 <g transform="translate(NaN,16)">` */
  nanInSvg: string[];
  /** visible page text (outside code) with the word NaN in it */
  nanInText: string[];
  /** what the notebook helper's callouts say (missing results, results that do not match the schema) */
  callouts: string[];
};

export type BrowserMessage = {
  source: 'console' | 'exception' | 'log';
  level: 'error' | 'warning';
  text: string;
};

export type NotebookReport = {
  lab: string;
  url: string;
  /** false when the page was still changing at the deadline */
  settled: boolean;
  messages: BrowserMessage[];
  /** every URL the page requested */
  requests: string[];
  page: PageSnapshot;
  ms: { build: number; render: number };
};

// axes, grids and the frame are drawn whatever the data; a rule alone is usually the zero line
const SCAFFOLD = /axis|grid|^frame$|^rule$/;

/** The marks that drew the data: zero shapes in all of them is an empty chart. */
export const dataShapes = (plot: PlotSnapshot) =>
  plot.marks.filter((m) => !SCAFFOLD.test(m.mark)).reduce((n, m) => n + m.shapes, 0);

const isLocal = (url: string) =>
  /^(data|blob|about):/.test(url) || /^\w+:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url);

/** Everything wrong with a rendered page, one line each; empty when it rendered cleanly. */
export function problems(report: NotebookReport): string[] {
  const out: string[] = [];
  if (!report.settled) out.push('the page was still changing when the check gave up waiting');
  for (const m of report.messages) if (m.level === 'error') out.push(`${m.source} error: ${m.text}`);
  for (const text of report.page.callouts) out.push(`the page says: ${text}`);
  if (report.page.plots.length === 0) out.push('no plots on the page');
  for (const [i, plot] of report.page.plots.entries()) {
    if (dataShapes(plot) === 0) {
      const marks = plot.marks.map((m) => `${m.mark} ${m.shapes}`).join(', ') || 'none';
      out.push(`plot ${i + 1} (${plot.cell}) has no marks (shapes per mark: ${marks})`);
    }
  }
  for (const nan of report.page.nanInSvg) out.push(`NaN in the SVG: ${nan}`);
  for (const nan of report.page.nanInText) out.push(`NaN in the text: ${nan}`);
  for (const url of report.requests) if (!isLocal(url)) out.push(`requested outside localhost: ${url}`);
  return out;
}

/** "05-fraud: 7 plots, 0 errors, 0 warnings, 31 requests (build 6.1 s, render 1.9 s)" */
export function summary(report: NotebookReport): string {
  const count = (level: string) => report.messages.filter((m) => m.level === level).length;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return (
    `${report.lab}: ${report.page.plots.length} plots, ${count('error')} errors, ${count('warning')} warnings, ` +
    `${report.requests.length} requests (build ${s(report.ms.build)}, render ${s(report.ms.render)})`
  );
}
