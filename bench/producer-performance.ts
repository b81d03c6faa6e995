// Reads the summary line Kafka's ProducerPerformance prints last:
// "200000 records sent, 61312.1 records/sec (42.80 MB/sec), 310.22 ms avg latency, 692.00 ms max latency,
//  296 ms 50th, 606 ms 95th, 670 ms 99th, 689 ms 99.9th."
export type ProducerPerformance = {
  records: number;
  records_per_s: number;
  mb_per_s: number;
  latency_ms: { avg: number; max: number; p50: number; p95: number; p99: number; p999: number };
};

const SUMMARY =
  /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th/;

export function parseProducerPerformance(output: string): ProducerPerformance {
  const lines = output.trim().split('\n');
  const m = SUMMARY.exec(lines[lines.length - 1] ?? '');
  if (!m)
    throw new Error(
      `ProducerPerformance: no summary line in its output (last line: ${JSON.stringify(lines[lines.length - 1])})`,
    );
  const n = m.slice(1).map(Number) as [number, number, number, number, number, number, number, number, number];
  return {
    records: n[0],
    records_per_s: n[1],
    mb_per_s: n[2],
    latency_ms: { avg: n[3], max: n[4], p50: n[5], p95: n[6], p99: n[7], p999: n[8] },
  };
}
