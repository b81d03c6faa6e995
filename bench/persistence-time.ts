// How busy the Temporal server's persistence was: from the server's Prometheus text, the seconds spent in
// each persistence operation so far (`persistence_latency_sum`, summed over namespaces and services). Two
// readings around a measurement give the seconds per second the store was busy, and on which operations;
// the dev server's SQLite store takes one operation at a time, so a busy time near 1 s/s is its ceiling.

/** operation → seconds spent in it so far. Pure. */
export function persistenceSeconds(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('persistence_latency_sum{')) continue;
    const op = /operation="([^"]*)"/.exec(line)?.[1];
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (!op || !Number.isFinite(value)) continue;
    out.set(op, (out.get(op) ?? 0) + value);
  }
  return out;
}

export type Busy = { seconds_per_s: number; top: { operation: string; seconds_per_s: number }[] };

/** The store's busy time per second between two readings `secs` apart, with its `n` busiest operations. Pure. */
export function busyBetween(before: Map<string, number>, after: Map<string, number>, secs: number, n = 3): Busy {
  const per = [...after].map(([operation, s]) => ({
    operation,
    seconds_per_s: (s - (before.get(operation) ?? 0)) / secs,
  }));
  per.sort((a, b) => b.seconds_per_s - a.seconds_per_s);
  return { seconds_per_s: per.reduce((t, p) => t + p.seconds_per_s, 0), top: per.slice(0, n) };
}
