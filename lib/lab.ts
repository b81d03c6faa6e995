// The frame every lab runs in: Ctrl-C / SIGTERM become an AbortSignal the lab polls so it can flush
// and leave cleanly (a second Ctrl-C forces), and expected failures (bad env, bad flags, stack not
// startable) print one clear line instead of a stack trace.
import { ConfigError } from './config.ts';
import { UsageError } from './flags.ts';

export type LabContext = { signal: AbortSignal };

const EXPECTED = new Set(['ConfigError', 'UsageError', 'StackError']);
/** Failures whose message already says what, where and why: one line, no stack trace (exit code 1). */
const DESCRIBED = new Set(['FatalSinkError']);

export async function runLab(name: string, main: (ctx: LabContext) => Promise<void>): Promise<never> {
  const ac = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) {
      console.error(`\n${name}: second ${sig}, exiting without cleanup`);
      process.exit(130);
    }
    console.error(`\n${name}: ${sig} received: finishing cleanly (press Ctrl-C again to force)`);
    ac.abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let code = 0;
  try {
    await main({ signal: ac.signal });
  } catch (e) {
    code = 1;
    const err = e as Error;
    if (err instanceof ConfigError || err instanceof UsageError || EXPECTED.has(err.name)) {
      console.error(`${name}: ${err.message}`);
      code = 2;
    } else if (DESCRIBED.has(err?.name)) {
      console.error(`${name} failed: ${err.message}`);
    } else {
      console.error(`${name} failed:`, err);
    }
  }
  // client libraries can leave timers behind; a lab's end is the process's end
  process.exit(code);
}

/** Resolves after `ms`, or early when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
