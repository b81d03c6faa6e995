import { describe, expect, test } from 'bun:test';
import { type NotebookReport, type PlotSnapshot, problems, summary } from './notebook-report.ts';

const plot = (marks: Record<string, number>, cell = 'cell-7'): PlotSnapshot => ({
  cell,
  marks: Object.entries(marks).map(([mark, shapes]) => ({ mark, shapes })),
});
const axes = { 'x-axis tick': 6, 'y-axis tick label': 5, 'y-grid': 5 };

/** A page that rendered cleanly: one bar chart, local requests only. */
const report = (over: Partial<NotebookReport> = {}, page: Partial<NotebookReport['page']> = {}): NotebookReport => ({
  lab: '05-fraud',
  url: 'http://127.0.0.1:4000/05-fraud.html',
  settled: true,
  messages: [],
  requests: ['http://127.0.0.1:4000/05-fraud.html', 'http://127.0.0.1:4000/assets/plot.js', 'data:image/png;base64,xx'],
  page: { plots: [plot({ ...axes, bar: 12, rule: 1 })], nanInSvg: [], nanInText: [], callouts: [], ...page },
  ms: { build: 6000, render: 2000 },
  ...over,
});

describe('notebook report', () => {
  test('a page that rendered cleanly has no problems', () => {
    expect(problems(report())).toEqual([]);
  });

  describe("when Plot gets a function where it takes a constant (notebook 05's count labels)", () => {
    const broken = report(
      {
        messages: [
          {
            source: 'log',
            level: 'error',
            text: 'Error: <g> attribute transform: Expected number, "translate(NaN,16)".',
          },
        ],
      },
      { nanInSvg: ['cell-7 <g transform="translate(NaN,16)">'] },
    );
    test('reports the console error and the NaN in the SVG', () => {
      expect(problems(broken)).toEqual([
        'log error: Error: <g> attribute transform: Expected number, "translate(NaN,16)".',
        'NaN in the SVG: cell-7 <g transform="translate(NaN,16)">',
      ]);
    });
  });

  test('warnings are reported in the summary but are not problems', () => {
    const warned = report({ messages: [{ source: 'console', level: 'warning', text: 'deprecated' }] });
    expect(problems(warned)).toEqual([]);
    expect(summary(warned)).toBe('05-fraud: 1 plots, 0 errors, 1 warnings, 3 requests (build 6.0 s, render 2.0 s)');
  });

  describe('a plot counts as empty', () => {
    test('when only its axes, grid, frame and zero rule drew anything', () => {
      const empty = report({}, { plots: [plot({ ...axes, frame: 1, rule: 1, bar: 0 }, 'cell-9')] });
      expect(problems(empty)).toEqual([
        'plot 1 (cell-9) has no marks (shapes per mark: x-axis tick 6, y-axis tick label 5, y-grid 5, frame 1, rule 1, bar 0)',
      ]);
    });
    test('not when a single data mark drew one shape', () => {
      expect(problems(report({}, { plots: [plot({ ...axes, line: 1 })] }))).toEqual([]);
    });
  });

  test('a page without any plot is a problem (its cells never ran)', () => {
    expect(problems(report({}, { plots: [] }))).toEqual(['no plots on the page']);
  });

  test("the helper's callout (missing or mismatched results) is a problem", () => {
    const said = "data/05-fraud.json does not match the lab's schema (written by an older lab?)";
    expect(problems(report({}, { callouts: [said] }))).toEqual([`the page says: ${said}`]);
  });

  test('exceptions, NaN in the text, an unsettled page and requests outside localhost are problems', () => {
    const bad = report(
      {
        settled: false,
        messages: [{ source: 'exception', level: 'error', text: 'TypeError: run.metrics.x is undefined' }],
        requests: ['http://localhost:5173/a.js', 'https://cdn.jsdelivr.net/npm/@observablehq/inputs/+esm'],
      },
      { nanInText: ['cell-4 "precision NaN %"'] },
    );
    expect(problems(bad)).toEqual([
      'the page was still changing when the check gave up waiting',
      'exception error: TypeError: run.metrics.x is undefined',
      'NaN in the text: cell-4 "precision NaN %"',
      'requested outside localhost: https://cdn.jsdelivr.net/npm/@observablehq/inputs/+esm',
    ]);
  });
});
