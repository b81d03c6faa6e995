// The notebook check: builds one lab's notebook page from a data folder (as `bun run notebooks:build`
// does), serves it on 127.0.0.1, renders it in headless Chromium and reports what a reader would see
// go wrong: console errors and exceptions (Plot's `translate(NaN,16)` arrives as one), plots without
// marks, NaN in the SVG or the text, requests leaving localhost. Lab tests call expectNotebookRenders
// right after the run that wrote the lab's results; the verdict itself is lib/testing/notebook-report.ts.
import { expect } from 'bun:test';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { PROJECT_ROOT } from '../config.ts';
import { sleep, waitFor } from '../wait.ts';
import { withChromium } from './chromium.ts';
import { type BrowserMessage, type NotebookReport, type PageSnapshot, problems } from './notebook-report.ts';

/** Builds notebooks/<lab>.html with the results in `dataDir` into `out`; returns the milliseconds it took. */
async function buildPage(lab: string, dataDir: string, out: string): Promise<number> {
  const start = performance.now();
  const proc = Bun.spawn(
    [process.execPath, join(PROJECT_ROOT, 'scripts/notebooks.ts'), 'build', '--out', out, '--only', lab],
    { cwd: PROJECT_ROOT, env: { ...process.env, TXLAB_DATA_DIR: resolve(dataDir) }, stdout: 'pipe', stderr: 'pipe' },
  );
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0 || !existsSync(join(out, `${lab}.html`))) {
    throw new Error(`notebook check: building ${lab}.html failed (exit ${code}):\n${stdout}${stderr}`.trim());
  }
  return performance.now() - start;
}

/** A static server over `root` on 127.0.0.1, as `bun run notebooks:serve` serves the built site. */
function serve(root: string) {
  return Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const pathname = decodeURIComponent(new URL(req.url).pathname);
      // browsers ask for one unprompted; a 404 would be logged as a console error
      if (pathname === '/favicon.ico') return new Response(null, { status: 204 });
      const path = resolve(root, `.${pathname}`);
      if (!path.startsWith(root + sep) || !existsSync(path) || !statSync(path).isFile())
        return new Response('not found', { status: 404 });
      return new Response(Bun.file(path));
    },
  });
}

/** Runs in the page (serialised with toString: it may use nothing from this module). */
function snapshotPage(): PageSnapshot {
  const SHAPES = 'path,rect,circle,line,text,image,polygon,polyline,ellipse,use';
  const cellOf = (el: Element) => el.closest('[id^="cell-"]')?.id ?? 'outside any cell';
  const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 80)}…` : s);
  // Plot's charts are <svg class="plot-…">; its colour ramps are plot-…-ramp, its swatches are divs
  const plots = Array.from(document.querySelectorAll('svg'))
    .filter((svg) => /^plot-[0-9a-f]+$/.test(svg.getAttribute('class') ?? ''))
    .map((svg) => ({
      cell: cellOf(svg),
      marks: Array.from(svg.children)
        .filter((c) => c.hasAttribute('aria-label'))
        .map((c) => ({
          mark: c.getAttribute('aria-label') ?? '',
          shapes: (c.matches(SHAPES) ? 1 : 0) + c.querySelectorAll(SHAPES).length,
        })),
    }));
  const nanInSvg: string[] = [];
  for (const el of Array.from(document.querySelectorAll('svg, svg *'))) {
    for (const a of Array.from(el.attributes)) {
      if (a.value.includes('NaN')) nanInSvg.push(`${cellOf(el)} <${el.tagName} ${a.name}="${clip(a.value)}">`);
    }
    for (const n of Array.from(el.childNodes)) {
      if (n.nodeType === Node.TEXT_NODE && n.textContent?.includes('NaN'))
        nanInSvg.push(`${cellOf(el)} <${el.tagName}>${clip(n.textContent)}`);
    }
  }
  const nanInText: string[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || parent.closest('svg, code, pre, script, style')) continue;
    if (/\bNaN\b/.test(n.textContent ?? '')) nanInText.push(`${cellOf(parent)} "${clip(n.textContent!.trim())}"`);
  }
  const callouts = Array.from(document.querySelectorAll('.txlab-callout'), (c) => clip(c.textContent ?? ''));
  return { plots, nanInSvg: nanInSvg.slice(0, 20), nanInText: nanInText.slice(0, 20), callouts };
}

const PAGE_SIGNATURE = `document.body ? document.body.getElementsByTagName('*').length + ':' + document.body.textContent.length : ''`;

/**
 * Opens `url` in headless Chromium and waits until it settles (loaded, no request in flight, the DOM
 * unchanged for `quietMs`, or `timeoutMs` passed); returns what it logged, requested and showed.
 */
async function render(url: string, timeoutMs = 30_000, quietMs = 1000) {
  return withChromium(async (cdp) => {
    const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
    const send = <T = any>(method: string, params: object = {}) => cdp.send<T>(method, params, sessionId);

    const messages: BrowserMessage[] = [];
    const requests: string[] = [];
    const inFlight = new Set<string>();
    let loaded = false;
    const level = (l: string) => (l === 'error' || l === 'assert' ? 'error' : l === 'warning' ? 'warning' : undefined);
    cdp.on('Runtime.consoleAPICalled', (p) => {
      const l = level(p.type);
      const text = p.args.map((a: any) => a.value ?? a.description ?? a.unserializableValue ?? a.type).join(' ');
      if (l) messages.push({ source: 'console', level: l, text });
    });
    cdp.on('Runtime.exceptionThrown', (p) => {
      const d = p.exceptionDetails;
      messages.push({ source: 'exception', level: 'error', text: d.exception?.description ?? d.text });
    });
    cdp.on('Log.entryAdded', ({ entry }) => {
      const l = level(entry.level);
      if (l) messages.push({ source: 'log', level: l, text: `${entry.text}${entry.url ? ` (${entry.url})` : ''}` });
    });
    cdp.on('Network.requestWillBeSent', (p) => {
      requests.push(p.request.url);
      inFlight.add(p.requestId);
    });
    cdp.on('Network.loadingFinished', (p) => inFlight.delete(p.requestId));
    cdp.on('Network.loadingFailed', (p) => inFlight.delete(p.requestId));
    cdp.on('Page.loadEventFired', () => (loaded = true));
    await Promise.all(['Runtime.enable', 'Log.enable', 'Network.enable', 'Page.enable'].map((m) => send(m)));

    const start = performance.now();
    await send('Page.navigate', { url });
    let last = '';
    let since = performance.now();
    const settled = await waitFor(
      async () => {
        const { result } = await send('Runtime.evaluate', { expression: PAGE_SIGNATURE, returnByValue: true });
        const now = performance.now();
        if (result.value !== last || !loaded || inFlight.size > 0) {
          last = result.value;
          since = now;
        }
        return now - since >= quietMs;
      },
      { timeoutMs, intervalMs: 200 },
    );
    const { result, exceptionDetails } = await send('Runtime.evaluate', {
      expression: `(${snapshotPage.toString()})()`,
      returnByValue: true,
    });
    if (exceptionDetails)
      throw new Error(`notebook check: reading the page failed: ${exceptionDetails.exception?.description}`);
    // a message logged while the snapshot ran still counts
    await sleep(50);
    return {
      settled: settled.ok,
      messages,
      requests,
      page: result.value as PageSnapshot,
      ms: performance.now() - start,
    };
  });
}

/** Builds, serves and renders `lab`'s notebook with the results in `dataDir`; returns what it saw. */
export async function checkNotebook(lab: string, dataDir: string): Promise<NotebookReport> {
  const out = mkdtempSync(join(tmpdir(), 'txlab-notebook-check-'));
  try {
    const build = await buildPage(lab, dataDir, out);
    const server = serve(out);
    try {
      const url = `http://127.0.0.1:${server.port}/${lab}.html`;
      const { ms, ...seen } = await render(url);
      return { lab, url, ...seen, ms: { build, render: ms } };
    } finally {
      server.stop(true);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * Asserts that `lab`'s notebook renders cleanly with the results a lab run wrote to `dataDir`: no console
 * errors or exceptions, no "no results"/"does not match" callout, every plot with marks, no NaN, and
 * nothing requested outside localhost. Takes ~10 s (a Vite build of one page and a Chromium start).
 */
export async function expectNotebookRenders(lab: string, dataDir: string): Promise<NotebookReport> {
  const report = await checkNotebook(lab, dataDir);
  expect({ notebook: lab, problems: problems(report) }).toEqual({ notebook: lab, problems: [] });
  return report;
}
