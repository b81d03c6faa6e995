// Reference solution of exercise 06-1 (read it after trying: `bun run exercise solution 06-1-hopping-windows`).
export type Window = { start: number; end: number };

export function hoppingWindows(t: number, sizeMs: number, advanceMs: number): Window[] {
  // the latest window holding t starts at t rounded down to the hop (also correct for t < 0)
  const last = t - (((t % advanceMs) + advanceMs) % advanceMs);
  const out: Window[] = [];
  for (let start = last - sizeMs + advanceMs; start <= last; start += advanceMs)
    out.push({ start, end: start + sizeMs });
  return out;
}
