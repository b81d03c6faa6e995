// A plausible wrong answer to exercise 09-1 (the tests check that its check fails on it): the reference
// solution without the rule for idle members: a point with more consumers than partitions counts, so a
// rate that an extra, idle member happened to measure a little above the others' picks a configuration
// whose extra process does nothing.
export type Measured = { partitions: number; consumers: number; records_per_s: number };
export type Choice = { partitions: number; consumers: number };

export function plan(points: readonly Measured[], target: number): Choice | null {
  const [best] = points
    .filter((p) => p.records_per_s >= target)
    // a consumer is a process to run; a partition costs little, but more of them than needed is still waste
    .toSorted((a, b) => a.consumers - b.consumers || a.partitions - b.partitions);
  return best ? { partitions: best.partitions, consumers: best.consumers } : null;
}
