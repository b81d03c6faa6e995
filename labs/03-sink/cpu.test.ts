import { describe, expect, test } from 'bun:test';
import { describeCpu } from './cpu.ts';

describe("lab 03's CPU line", () => {
  test('gives each process its cores (CPU-seconds over the wall time) and the machine as a share', () => {
    const line = describeCpu({
      cpu: [
        { process: 'lab (producer)', kind: 'producer', pid: 10, cpu_s: 3.2, per_1000_events: 0.08 },
        { process: 'sink-1', kind: 'consumer', pid: 11, cpu_s: 8, per_1000_events: 0.2 },
      ],
      machine: { cores: 2, wall_s: 20, busy_s: 31.2, busy_share: 0.78, other_s: 20 },
    });
    expect(line).toBe('machine 78 % busy; cores: lab (producer) 0.16, sink-1 0.40');
  });

  test('a stretch of no time gives 0 cores, not a division by zero', () => {
    const line = describeCpu({
      cpu: [{ process: 'sink-1', kind: 'consumer', pid: 11, cpu_s: 0, per_1000_events: 0 }],
      machine: { cores: 2, wall_s: 0, busy_s: 0, busy_share: 0, other_s: 0 },
    });
    expect(line).toBe('machine 0 % busy; cores: sink-1 0.00');
  });
});
