// Polling with a deadline: how the stack waits for an engine, a port or a process, instead of sleeping
// a fixed time and hoping.

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  /** give up after this many milliseconds */
  timeoutMs: number;
  /** delay between attempts */
  intervalMs?: number;
  /** checked between attempts: a reason to stop waiting early (e.g. the process died), or undefined */
  abort?: () => string | undefined;
}

export type WaitResult = { ok: true; ms: number } | { ok: false; ms: number; reason: string };

/** Calls `probe` until it resolves true, the deadline passes, or `abort` gives a reason. A probe that throws counts as "not yet". */
export async function waitFor(probe: () => Promise<boolean>, opts: WaitOptions): Promise<WaitResult> {
  const start = performance.now();
  const deadline = start + opts.timeoutMs;
  const interval = opts.intervalMs ?? 250;
  for (;;) {
    const ok = await probe().catch(() => false);
    const ms = performance.now() - start;
    if (ok) return { ok: true, ms };
    const reason = opts.abort?.();
    if (reason !== undefined) return { ok: false, ms, reason };
    if (performance.now() >= deadline) return { ok: false, ms, reason: `not ready after ${seconds(ms)}` };
    await pause(Math.min(interval, Math.max(0, deadline - performance.now())));
  }
}

/** 9812 → "9.8 s" */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
