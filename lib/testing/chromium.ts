// Headless Chromium driven through the DevTools protocol (CDP) over Bun's WebSocket: the one place that
// starts the browser, speaks the protocol and stops it again. No puppeteer: a page check needs a dozen
// commands, and Debian's `chromium` package is the browser (scripts/setup.sh installs it).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../wait.ts';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The Chromium executable on PATH, or an error that says how to install it. */
export function findChromium(): string {
  const found = NAMES.map((n) => Bun.which(n)).find((p): p is string => Boolean(p));
  if (!found) {
    throw new Error(
      `no Chromium found (looked for ${NAMES.join(', ')} on PATH): the notebook check renders pages in headless ` +
        'Chromium. Run `bash scripts/setup.sh` (it installs the Debian package `chromium`) or `sudo apt-get install chromium`',
    );
  }
  return found;
}

type Listener = (params: any, sessionId?: string) => void;

/** A CDP connection to the browser: `send` a command (to a page with its sessionId), `on` an event. */
export class Cdp {
  private next = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: any) => void; reject: (e: Error) => void; method: string }
  >();
  private readonly listeners = new Map<string, Listener[]>();

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener('message', (event) => {
      const msg = JSON.parse(String(event.data));
      if (msg.id !== undefined) {
        const call = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) call?.reject(new Error(`CDP ${call.method}: ${msg.error.message}`));
        else call?.resolve(msg.result);
      } else {
        for (const f of this.listeners.get(msg.method) ?? []) f(msg.params, msg.sessionId);
      }
    });
    ws.addEventListener('close', () => {
      for (const call of this.pending.values()) call.reject(new Error(`CDP ${call.method}: the browser closed`));
      this.pending.clear();
    });
  }

  static async connect(url: string): Promise<Cdp> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => resolve(), { once: true });
      ws.addEventListener('error', () => reject(new Error(`CDP: cannot connect to ${url}`)), { once: true });
    });
    return new Cdp(ws);
  }

  send<T = any>(method: string, params: object = {}, sessionId?: string): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  on(method: string, listener: Listener): void {
    this.listeners.set(method, [...(this.listeners.get(method) ?? []), listener]);
  }

  close(): void {
    this.ws.close();
  }
}

/** A started browser: its process, its throwaway profile, and the file it writes its DevTools port to. */
type Browser = { proc: ReturnType<typeof Bun.spawn>; profile: string; active: string };

function launch(width: number, height: number): Browser {
  const profile = mkdtempSync(join(tmpdir(), 'txlab-chromium-'));
  const proc = Bun.spawn(
    [
      findChromium(),
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      '--hide-scrollbars',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      `--window-size=${width},${height}`,
      'about:blank',
    ],
    { stdout: 'ignore', stderr: 'pipe' },
  );
  // Chromium writes its port, then the browser's WebSocket path, to DevToolsActivePort once it listens
  return { proc, profile, active: join(profile, 'DevToolsActivePort') };
}

async function shut(b: Browser): Promise<void> {
  b.proc.kill('SIGKILL');
  await b.proc.exited;
  rmSync(b.profile, { recursive: true, force: true });
}

/** Tries per start, and how long each may take to listen (a start can hang on a busy machine; a second one is quick). */
const STARTS = 2;
const START_TIMEOUT_MS = 30_000;

/**
 * Runs `f` with a fresh headless Chromium (its own throwaway profile) and a CDP connection to it, then
 * stops the browser and removes the profile, whatever `f` did. A browser that does not listen within
 * START_TIMEOUT_MS is killed and started once more; the error after that says what the machine was doing.
 */
export async function withChromium<T>(f: (cdp: Cdp) => Promise<T>, width = 1200, height = 900): Promise<T> {
  const failures: string[] = [];
  for (let attempt = 1; attempt <= STARTS; attempt++) {
    const b = launch(width, height);
    let cdp: Cdp | undefined;
    try {
      const listening = await waitFor(
        () => existsSync(b.active) && readFileSync(b.active, 'utf8').split('\n').length >= 2,
        {
          timeoutMs: START_TIMEOUT_MS,
          abort: () => (b.proc.exitCode !== null ? `chromium exited with ${b.proc.exitCode}` : undefined),
        },
      );
      if (!listening.ok) {
        b.proc.kill('SIGKILL');
        const stderr = await new Response(b.proc.stderr as ReadableStream).text();
        failures.push(
          `start ${attempt}: ${listening.reason} (load average ${loadavg()
            .map((x) => x.toFixed(1))
            .join(' ')})\n${stderr.slice(-1000)}`,
        );
        continue;
      }
      const [port, path] = readFileSync(b.active, 'utf8').split('\n');
      cdp = await Cdp.connect(`ws://127.0.0.1:${port}${path}`);
      return await f(cdp);
    } finally {
      cdp?.close();
      await shut(b);
    }
  }
  throw new Error(
    `headless chromium did not open its DevTools port in ${STARTS} starts of ${START_TIMEOUT_MS / 1000} s:\n${failures.join('\n')}\n${busiest()}`,
  );
}

/** The busiest processes now (ps), to say what held the machine when the browser could not start. */
function busiest(): string {
  const ps = Bun.spawnSync(['ps', '-eo', 'pcpu,rss,etimes,args', '--sort=-pcpu']);
  return `busiest processes:\n${ps.stdout
    .toString()
    .split('\n')
    .slice(0, 8)
    .map((l) => l.slice(0, 160))
    .join('\n')}`;
}
