// Reference solution of exercise 09-1 (read it after trying: `bun run exercise solution 09-1-consumers-for-a-rate`).
export type Measured = { partitions: number; consumers: number; records_per_s: number };
export type Choice = { partitions: number; consumers: number };

export function plan(points: readonly Measured[], target: number): Choice | null {
  const [best] = points
    // an idle member (consumers > partitions) added nothing: its point is the others' rate, and noise
    .filter((p) => p.consumers <= p.partitions && p.records_per_s >= target)
    // a consumer is a process to run; a partition costs little, but more of them than needed is still waste
    .toSorted((a, b) => a.consumers - b.consumers || a.partitions - b.partitions);
  return best ? { partitions: best.partitions, consumers: best.consumers } : null;
}
