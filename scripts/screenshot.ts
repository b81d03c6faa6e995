// Render one built notebook page to a PNG with headless Chromium, so anyone can look at a page without a
// browser session, and check that it loaded nothing from outside localhost (the site must work offline).
//   bun scripts/screenshot.ts dist/notebooks/02-producer.html out.png [--height 3000] [--chromium /usr/bin/chromium]
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { chromium: { type: 'string' }, height: { type: 'string', default: '3000' } },
});
const [page, out] = positionals;
if (!page || !out) {
  console.error('usage: bun scripts/screenshot.ts <dist/…/page.html> <out.png> [--height <px>] [--chromium <path>]');
  process.exit(2);
}
const file = resolve(page);
if (!existsSync(file)) {
  console.error(`screenshot: ${page} not found (run \`bun run notebooks:build\` first)`);
  process.exit(1);
}
const chromium =
  values.chromium ?? ['chromium', 'chromium-browser', 'google-chrome'].map((c) => Bun.which(c)).find(Boolean);
if (!chromium) {
  console.error('screenshot: no chromium on PATH; install it (apt-get install chromium) or pass --chromium <path>');
  process.exit(1);
}

// Serve dist/ (or the page's own folder when it is elsewhere), so relative asset paths resolve as deployed.
const dist = resolve('dist');
const root = file.startsWith(dist + sep) ? dist : resolve(file, '..');
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch(req) {
    const path = resolve(root, '.' + decodeURIComponent(new URL(req.url).pathname));
    if (!path.startsWith(root) || !existsSync(path) || !statSync(path).isFile())
      return new Response('not found', { status: 404 });
    return new Response(Bun.file(path));
  },
});

const profile = mkdtempSync(join(tmpdir(), 'txlab-chromium-'));
const netlog = join(profile, 'netlog.json');
const url = `http://127.0.0.1:${server.port}/${relative(root, file).split(sep).join('/')}`;
try {
  const proc = Bun.spawn(
    [
      chromium,
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      `--log-net-log=${netlog}`,
      `--screenshot=${resolve(out)}`,
      `--window-size=1200,${Number(values.height) || 3000}`,
      '--virtual-time-budget=10000',
      url,
    ],
    { stdout: 'ignore', stderr: 'pipe' },
  );
  const code = await proc.exited;
  if (code !== 0 || !existsSync(resolve(out))) {
    console.error(`screenshot: chromium exited with ${code}:\n${await new Response(proc.stderr).text()}`);
    process.exit(1);
  }
  const requests = pageRequests(readFileSync(netlog, 'utf8'), new URL(url).origin);
  const outside = requests.filter((u) => !/^\w+:\/\/(127\.0\.0\.1|localhost)[:/]/.test(u));
  console.log(
    `screenshot: ${url} → ${out} (${requests.length} requests from the page, ${outside.length} outside localhost)`,
  );
  for (const u of outside) console.log(`  outside localhost: ${u}`);
  if (outside.length > 0) process.exitCode = 1;
} finally {
  server.stop(true);
  rmSync(profile, { recursive: true, force: true });
}

/** URLs the page itself requested (initiated by its origin), from a chromium net log; the browser's own traffic is left out. */
function pageRequests(log: string, origin: string): string[] {
  const { constants, events } = JSON.parse(log) as {
    constants: { logEventTypes: Record<string, number> };
    events: { type: number; params?: { url?: string; initiator?: string } }[];
  };
  const start = constants.logEventTypes.URL_REQUEST_START_JOB;
  return events.filter((e) => e.type === start && e.params?.initiator === origin).map((e) => e.params?.url ?? '');
}
