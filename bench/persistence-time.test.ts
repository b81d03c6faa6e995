import { describe, expect, test } from 'bun:test';
import { busyBetween, persistenceSeconds } from './persistence-time.ts';

const scrape = (update: number, create: number) =>
  [
    '# HELP persistence_latency persistence_latency histogram',
    `persistence_latency_sum{namespace="default",operation="UpdateWorkflowExecution",service_name="history"} ${update}`,
    `persistence_latency_sum{namespace="system",operation="UpdateWorkflowExecution",service_name="history"} 1`,
    `persistence_latency_sum{namespace="default",operation="CreateWorkflowExecution",service_name="history"} ${create}`,
    `persistence_latency_count{namespace="default",operation="CreateWorkflowExecution",service_name="history"} 99`,
    'persistence_errors{operation="X"} 3',
  ].join('\n');

describe('persistence busy time', () => {
  test('sums each operation over namespaces and services, from the _sum series only', () => {
    expect(persistenceSeconds(scrape(2.5, 0.5))).toEqual(
      new Map([
        ['UpdateWorkflowExecution', 3.5],
        ['CreateWorkflowExecution', 0.5],
      ]),
    );
  });

  test('gives seconds busy per second between two readings, busiest operation first', () => {
    const busy = busyBetween(persistenceSeconds(scrape(2.5, 0.5)), persistenceSeconds(scrape(10.5, 2.5)), 10, 1);
    expect(busy.seconds_per_s).toBeCloseTo(1.0);
    expect(busy.top).toEqual([{ operation: 'UpdateWorkflowExecution', seconds_per_s: 0.8 }]);
  });
});
