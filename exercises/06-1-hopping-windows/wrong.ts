// A plausible wrong answer to exercise 06-1 (the tests check that its check fails on it): the
// reference solution off by one at the edge, `start < t` instead of `start <= last`: an event exactly at
// a window's start is left out of the window starting there.
export type Window = { start: number; end: number };

export function hoppingWindows(t: number, sizeMs: number, advanceMs: number): Window[] {
  // the latest window holding t starts at t rounded down to the hop (also correct for t < 0)
  const last = t - (((t % advanceMs) + advanceMs) % advanceMs);
  const out: Window[] = [];
  for (let start = last - sizeMs + advanceMs; start < t; start += advanceMs) out.push({ start, end: start + sizeMs });
  return out;
}
