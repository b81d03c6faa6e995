import { describe, expect, test } from 'bun:test';
import { parseMachineStat, parseProcStat, processCpuSeconds, startCpuMeter } from './cpu.ts';

/** A /proc/<pid>/stat line as the kernel writes it, with the fields lab 09 reads set. */
const statLine = (o: { pid?: number; command?: string; state?: string; utime?: number; stime?: number } = {}) =>
  `${o.pid ?? 4242} (${o.command ?? 'java'}) ${o.state ?? 'S'} 1 4242 4242 0 -1 4194560 51234 0 12 0 ` +
  `${o.utime ?? 1234} ${o.stime ?? 56} 7 8 20 0 87 0 2398820 3133440 410 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1`;

describe('a process line of /proc/<pid>/stat', () => {
  test('gives user and system time (fields 14 and 15) in seconds at 100 ticks a second', () => {
    expect(parseProcStat(statLine({ utime: 1234, stime: 56 }))).toEqual({
      pid: 4242,
      command: 'java',
      state: 'S',
      user_s: 12.34,
      system_s: 0.56,
    });
  });

  test('counts fields from the last parenthesis, so a command name with spaces and parentheses is read whole', () => {
    const t = parseProcStat(statLine({ command: 'bun (consumer) 2', utime: 300, stime: 100 }));
    expect({ command: t.command, user_s: t.user_s, system_s: t.system_s }).toEqual({
      command: 'bun (consumer) 2',
      user_s: 3,
      system_s: 1,
    });
  });

  test('takes another tick rate when asked', () => {
    expect(parseProcStat(statLine({ utime: 1000, stime: 0 }), 1000).user_s).toBe(1);
  });

  test('refuses a line that is not one', () => {
    expect(() => parseProcStat('hello world')).toThrow(/not a \/proc\/<pid>\/stat line/);
  });
});

describe('the aggregate line of /proc/stat', () => {
  test('counts everything but idle and iowait as busy, and guest time once (it is inside user)', () => {
    const text = 'cpu  1000 10 300 5000 200 0 40 5 100 0\ncpu0 500 5 150 2500 100 0 20 2 50 0\nintr 1 2 3\n';
    expect(parseMachineStat(text)).toEqual({
      busy_s: (1000 + 10 + 300 + 40 + 5) / 100,
      total_s: (1355 + 5000 + 200) / 100,
    });
  });

  test('refuses a text without it', () => {
    expect(() => parseMachineStat('intr 1 2 3')).toThrow(/no aggregate "cpu" line/);
  });
});

/** Keeps this thread busy for `ms` (CPU time is counted in 10 ms ticks). */
function spin(ms: number): number {
  const until = performance.now() + ms;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  return x;
}

describe('reading this machine', () => {
  test('a running process has used some CPU; a pid that does not exist has none to read', () => {
    spin(50);
    expect({ self: (processCpuSeconds(process.pid) ?? -1) > 0, gone: processCpuSeconds(2 ** 22 + 1) }).toEqual({
      self: true,
      gone: undefined,
    });
  });

  test('a meter over busy work charges it to this process, per 1,000 events', () => {
    const meter = startCpuMeter([{ process: 'producer', kind: 'producer', pid: process.pid }]);
    const x = spin(150);
    const { cpu, machine } = meter.end(1_000);
    expect({
      charged: cpu[0]!.cpu_s > 0.05,
      perThousand: cpu[0]!.per_1000_events === cpu[0]!.cpu_s,
      share: machine.busy_share > 0 && machine.busy_share <= 1,
      spun: x > 0,
    }).toEqual({ charged: true, perThousand: true, share: true, spun: true });
  });
});
