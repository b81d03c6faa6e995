import { expect, test } from 'bun:test';
import { parseProducerPerformance } from './producer-performance.ts';

test('reads the last summary line of ProducerPerformance', () => {
  const out = [
    '100105 records sent, 20021.0 records/sec (13.98 MB/sec), 1100.3 ms avg latency, 1570.0 ms max latency.',
    '200000 records sent, 61312.1 records/sec (42.80 MB/sec), 310.22 ms avg latency, 692.00 ms max latency, 296 ms 50th, 606 ms 95th, 670 ms 99th, 689 ms 99.9th.',
  ].join('\n');
  expect(parseProducerPerformance(out)).toEqual({
    records: 200000,
    records_per_s: 61312.1,
    mb_per_s: 42.8,
    latency_ms: { avg: 310.22, max: 692, p50: 296, p95: 606, p99: 670, p999: 689 },
  });
  expect(() => parseProducerPerformance('Exception in thread main')).toThrow(/no summary line/);
});
