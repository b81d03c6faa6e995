// Waiting without fixed sleeps: `sleep` that a signal cuts short, and `waitFor`, which polls a probe
// until it gives a value, a deadline passes, a signal fires or `abort` names a reason to stop. One
// result type for every caller; `waitUntil` is the throwing form for code that cannot go on without it.
import { TxlabError } from './errors.ts';

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

export interface WaitOptions {
  /** give up after this many milliseconds */
  timeoutMs: number;
  /** delay between attempts (default 100 ms) */
  intervalMs?: number;
  /** stop waiting when it fires */
  signal?: AbortSignal;
  /** checked between attempts: a reason to stop waiting early (e.g. the process died), or undefined */
  abort?: () => string | undefined;
}

export type WaitResult<T> = { ok: true; value: T; ms: number } | { ok: false; ms: number; reason: string };

/**
 * Calls `probe` until it returns something other than undefined or false. A probe that throws counts
 * as "not yet"; its last error is named in the reason if the wait fails.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: WaitOptions,
): Promise<WaitResult<T>> {
  const start = performance.now();
  const deadline = start + opts.timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      // a probe that hangs must not outlive the deadline: past it, it counts as "not yet"
      // (the deadline's timer is cleared once the probe answers: a poll loop would otherwise leave one
      // timer per attempt running until the deadline)
      const left = Math.max(0, deadline - performance.now());
      const stop = new AbortController();
      const cut = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
      const v = await Promise.race([probe(), sleep(left, cut).then(() => undefined)]).finally(() => stop.abort());
      if (v !== undefined && v !== false) return { ok: true, value: v, ms: performance.now() - start };
      lastError = '';
    } catch (e) {
      lastError = (e as Error)?.message ?? String(e);
    }
    const ms = performance.now() - start;
    const reason = opts.signal?.aborted ? 'stopped' : opts.abort?.();
    if (reason !== undefined) return { ok: false, ms, reason };
    if (performance.now() >= deadline)
      return {
        ok: false,
        ms,
        reason: `not ready after ${seconds(ms)}${lastError ? ` (last error: ${lastError})` : ''}`,
      };
    await sleep(Math.min(opts.intervalMs ?? 100, Math.max(0, deadline - performance.now())), opts.signal);
  }
}

/** A wait that did not end well: what was awaited and why it ended. */
export class WaitTimeout extends TxlabError {
  constructor(
    readonly what: string,
    readonly reason: string,
  ) {
    super(`gave up waiting for ${what}: ${reason}`, { retriable: true });
  }
}

/** `waitFor` that returns the value, or throws a WaitTimeout naming `what`. */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: WaitOptions,
): Promise<T> {
  const r = await waitFor(probe, opts);
  if (!r.ok) throw new WaitTimeout(what, r.reason);
  return r.value;
}

/** 9812 → "9.8 s" */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
