// Headless Chromium driven through the DevTools protocol (CDP) over Bun's WebSocket: the one place that
// starts the browser, speaks the protocol and stops it again. No puppeteer: a page check needs a dozen
// commands, and Debian's `chromium` package is the browser (scripts/setup.sh installs it).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/**
 * Runs `f` with a fresh headless Chromium (its own throwaway profile) and a CDP connection to it, then
 * stops the browser and removes the profile, whatever `f` did.
 */
export async function withChromium<T>(f: (cdp: Cdp) => Promise<T>, width = 1200, height = 900): Promise<T> {
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
  let cdp: Cdp | undefined;
  try {
    // Chromium writes its port, then the browser's WebSocket path, to DevToolsActivePort once it listens
    const active = join(profile, 'DevToolsActivePort');
    const listening = await waitFor(() => existsSync(active) && readFileSync(active, 'utf8').split('\n').length >= 2, {
      timeoutMs: 20_000,
      abort: () => (proc.exitCode !== null ? `chromium exited with ${proc.exitCode}` : undefined),
    });
    if (!listening.ok) {
      proc.kill();
      const stderr = await new Response(proc.stderr).text();
      throw new Error(`headless chromium did not open its DevTools port: ${listening.reason}\n${stderr.slice(-2000)}`);
    }
    const [port, path] = readFileSync(active, 'utf8').split('\n');
    cdp = await Cdp.connect(`ws://127.0.0.1:${port}${path}`);
    return await f(cdp);
  } finally {
    cdp?.close();
    proc.kill();
    await proc.exited;
    rmSync(profile, { recursive: true, force: true });
  }
}
