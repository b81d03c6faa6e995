// Preview or build the lab notebooks (Observable Notebook Kit, notebooks/*.html) with Vite.
//   bun scripts/notebooks.ts preview   live server over notebooks/, reading data/ as the labs write it
//   bun scripts/notebooks.ts build     static site in dist/notebooks/, fully offline
//   bun scripts/notebooks.ts serve     serve that built site on localhost (browsers refuse file:// modules)
// build takes --out DIR (instead of dist/notebooks) and --only 03-sink,05-fraud (those pages and the index);
// with TXLAB_DATA_DIR set, it plots the results found there instead of data/ (the browser check does so).
// Each notebook reads its lab's results with FileAttachment("../data/NN-name.json"). At build time Vite
// copies every file that exists into dist/notebooks/assets/ (hashed); a missing one is reported here and
// the notebook says which lab to run. Plot is imported from node_modules and bundled, never fetched.
// Each lab's run history, data/NN-name/<run_id>.json, is served (preview) or copied (build) to
// data/NN-name/ beside the pages, with an index.json, for the notebooks' "compare with an earlier run".
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { config, observable } from '@observablehq/notebook-kit/vite';
import { build, createLogger, createServer, type Logger, type Plugin } from 'vite';
import { config as txlabConfig, PROJECT_ROOT } from '../lib/config.ts';

const NOTEBOOKS = join(PROJECT_ROOT, 'notebooks');
const DATA = resolve(txlabConfig().dataDir);
const OUT = join(PROJECT_ROOT, 'dist', 'notebooks');

/** NN-name.html → the results file it plots, data/NN-name.json; index.html and others plot none. */
function dataFileOf(notebook: string): string | undefined {
  const name = basename(notebook, '.html');
  return /^\d\d-[a-z-]+$/.test(name) ? `${name}.json` : undefined;
}

/** Vite's logger without the two warnings this script replaces with one clear line (missing data) or that are not ours. */
function quietLogger(level: 'info' | 'warn' = 'info'): Logger {
  const logger = createLogger(level);
  const noise = [/doesn't exist at build time/, /alias with `customResolver`/];
  const keep = (msg: string) => !noise.some((re) => re.test(msg));
  const { warn, warnOnce } = logger;
  logger.warn = (msg, opts) => keep(msg) && warn(msg, opts);
  logger.warnOnce = (msg, opts) => keep(msg) && warnOnce(msg, opts);
  return logger;
}

/**
 * Notebook Kit's runtime loads its built-in libraries from jsDelivr on first use. Those that are
 * installed here resolve to node_modules instead, so a cell that uses the built-in `Plot` or `d3`, or
 * FileAttachment(…).csv(), still works offline. Others (Inputs, htl, …) stay remote: don't use them.
 */
function offline(): Plugin {
  const local: Record<string, string> = {
    'https://cdn.jsdelivr.net/npm/@observablehq/plot/+esm': '@observablehq/plot',
    'https://cdn.jsdelivr.net/npm/d3/+esm': 'd3',
    'https://cdn.jsdelivr.net/npm/d3-dsv/+esm': 'd3-dsv',
  };
  return {
    name: 'txlab-offline',
    enforce: 'pre',
    resolveId(source, importer) {
      const name = local[source];
      return name ? this.resolve(name, importer, { skipSelf: true }) : null;
    },
  };
}

/** One run in a lab's history index (data/NN-name/index.json): enough to label it in the run picker. */
type RunEntry = { run_id: string; file: string; started_at: string; ended_at: string; parameters: unknown };

/** The runs kept in data/<lab>/, newest first; a file that is not a run's JSON is skipped with a warning. */
function runIndex(lab: string): RunEntry[] {
  const dir = join(DATA, lab);
  if (!existsSync(dir)) return [];
  const runs: RunEntry[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json')) {
    try {
      const run = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      if (typeof run.run_id !== 'string') throw new Error('no run_id');
      runs.push({
        run_id: run.run_id,
        file,
        started_at: run.started_at,
        ended_at: run.ended_at,
        parameters: run.parameters,
      });
    } catch (e) {
      console.warn(`notebooks: skipping data/${lab}/${file}: ${(e as Error).message}`);
    }
  }
  return runs.sort((a, b) => String(b.started_at).localeCompare(String(a.started_at)));
}

/**
 * The run history at data/NN-name/ relative to the pages, for the labs in `labs`: served from the data
 * folder by the preview (as the labs write it), emitted into the built site by build (with what is there then).
 */
function history(labs: string[]): Plugin {
  const route = /^\/data\/(\d\d-[a-z-]+)\/([\w.-]+\.json)$/;
  return {
    name: 'txlab-history',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const [, lab, file] = route.exec(new URL(req.url ?? '/', 'http://x').pathname) ?? [];
        if (!lab || !file || !labs.includes(lab)) return next();
        const path = join(DATA, lab, file);
        if (file !== 'index.json' && !existsSync(path)) return next();
        res.setHeader('content-type', 'application/json');
        res.setHeader('cache-control', 'no-store');
        res.end(file === 'index.json' ? JSON.stringify(runIndex(lab)) : readFileSync(path));
      });
    },
    generateBundle() {
      for (const lab of labs) {
        const runs = runIndex(lab);
        this.emitFile({ type: 'asset', fileName: `data/${lab}/index.json`, source: JSON.stringify(runs) });
        for (const run of runs) {
          this.emitFile({
            type: 'asset',
            fileName: `data/${lab}/${run.file}`,
            source: readFileSync(join(DATA, lab, run.file)),
          });
        }
      }
    },
  };
}

/** The labs whose notebooks are among `notebooks`: 03-sink for …/03-sink.html. */
const labsOf = (notebooks: string[]) => notebooks.map(dataFileOf).flatMap((f) => (f ? [basename(f, '.json')] : []));

function notebookFiles(root = NOTEBOOKS, only?: string[]): string[] {
  return readdirSync(root)
    .filter((f) => f.endsWith('.html'))
    .filter((f) => !only || f === 'index.html' || only.includes(basename(f, '.html')))
    .sort()
    .map((f) => join(root, f));
}

/**
 * The notebooks read ../data/ relative to themselves. To plot another data folder, build from a staged
 * copy: the pages and their helper copied, lib/ and node_modules/ linked, data/ linked to that folder.
 */
function stage(dataDir: string): { root: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'txlab-notebooks-'));
  const root = join(dir, 'notebooks');
  symlinkSync(dataDir, join(dir, 'data'));
  for (const linked of ['lib', 'node_modules']) symlinkSync(join(PROJECT_ROOT, linked), join(dir, linked));
  mkdirSync(root);
  for (const f of readdirSync(NOTEBOOKS)) if (/\.(html|ts)$/.test(f)) copyFileSync(join(NOTEBOOKS, f), join(root, f));
  return { root, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function reportData(notebooks: string[]): void {
  const missing = notebooks.map(dataFileOf).filter((f): f is string => f !== undefined && !existsSync(join(DATA, f)));
  if (missing.length === 0) return;
  const labs = missing.map((f) => f.slice(0, 2));
  const run = labs.length === 1 ? `\`bun run lab:${labs[0]}\`` : 'its lab';
  console.warn(
    `notebooks: no results yet for lab${labs.length === 1 ? '' : 's'} ${labs.join(', ')} (data/NN-name.json): each page says to run ${run} first`,
  );
}

async function runBuild(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, only: { type: 'string' } } });
  const out = values.out ? resolve(values.out) : OUT;
  const only = values.only?.split(',').map((s) => s.trim());
  for (const name of only ?? []) {
    if (!existsSync(join(NOTEBOOKS, `${name}.html`)))
      throw new Error(`notebooks: --only ${name}: no notebooks/${name}.html`);
  }
  const staged = DATA === resolve(PROJECT_ROOT, 'data') ? undefined : stage(DATA);
  try {
    const root = staged?.root ?? NOTEBOOKS;
    const inputs = notebookFiles(root, only);
    reportData(inputs);
    await build({
      ...config(),
      // the per-asset size table (every font subset) buries the one line that matters
      customLogger: quietLogger('warn'),
      plugins: [offline(), observable(), history(labsOf(inputs))],
      root,
      publicDir: false,
      build: { outDir: out, emptyOutDir: true, rollupOptions: { input: inputs } },
    });
    const serve = out === OUT ? '; serve them with `bun run notebooks:serve` (http://127.0.0.1:8080/)' : '';
    console.log(`notebooks: built ${inputs.length} pages into ${out}${serve}`);
  } finally {
    staged?.cleanup();
  }
}

async function runPreview(): Promise<void> {
  const notebooks = notebookFiles();
  reportData(notebooks);
  const server = await createServer({
    ...config(),
    customLogger: quietLogger(),
    plugins: [offline(), observable(), history(labsOf(notebooks))],
    root: NOTEBOOKS,
    publicDir: false,
    // the notebooks read ../data/ and import ../lib/results/: allow the whole project, nothing above it
    server: { fs: { allow: [PROJECT_ROOT] } },
  });
  await server.listen();
  server.printUrls();
  server.bindCLIShortcuts({ print: true });
}

/** Serves the built site as it would be deployed: static files only, nothing above dist/notebooks. */
function runServe(port: number): void {
  if (!existsSync(join(OUT, 'index.html'))) {
    console.error('notebooks: nothing built yet: run `bun run notebooks:build` first');
    process.exit(1);
  }
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port,
    async fetch(req) {
      const path = resolve(OUT, '.' + decodeURIComponent(new URL(req.url).pathname));
      const file = Bun.file(path.endsWith('/') || path === OUT ? join(path, 'index.html') : path);
      if (!path.startsWith(OUT) || !(await file.exists())) return new Response('not found', { status: 404 });
      return new Response(file);
    },
  });
  console.log(`notebooks: serving ${OUT} at http://127.0.0.1:${server.port}/ (Ctrl-C stops)`);
}

const command = process.argv[2];
if (command === 'build') await runBuild(process.argv.slice(3));
else if (command === 'preview') await runPreview();
else if (command === 'serve') runServe(Number(process.argv[3] ?? 8080));
else {
  console.error(`usage: bun scripts/notebooks.ts <preview|build|serve [port]>   (notebooks in ${resolve(NOTEBOOKS)})`);
  process.exit(2);
}
