// CPU time, read the way `top` reads it: a process's user + system time from /proc/<pid>/stat (every
// thread of it: a broker's JVM is one process), and the machine's busy and total time from /proc/stat.
// Lab 09 divides a process's CPU seconds by the events it handled (seconds per 1,000 events) and the
// machine's busy time by its total, which says whether more consumers could have gone faster: on 2
// cores, not once both are busy. The parsers are pure; the readers return undefined for a process that
// is gone. Linux only (lab 09's clusters are local processes).
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * Clock ticks per second of /proc's times (USER_HZ, `getconf CLK_TCK`): fixed at 100 by the kernel's
 * user-space interface on every architecture Kafka runs on, whatever the kernel's internal HZ.
 */
export const CLOCK_TICKS = 100;

export type ProcessTimes = { pid: number; command: string; state: string; user_s: number; system_s: number };

/**
 * One line of /proc/<pid>/stat. The command name sits in parentheses and may itself hold spaces and
 * parentheses, so the fields are counted from the last `)`: state is field 3, utime 14, stime 15.
 */
export function parseProcStat(line: string, ticks = CLOCK_TICKS): ProcessTimes {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`cpu: not a /proc/<pid>/stat line: ${line.slice(0, 80)}`);
  const pid = Number(line.slice(0, open).trim());
  const rest = line
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state), so field n is rest[n - 3]
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  if (!Number.isInteger(pid) || !Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`cpu: unreadable times in /proc/<pid>/stat line: ${line.slice(0, 80)}`);
  return {
    pid,
    command: line.slice(open + 1, close),
    state: rest[0] ?? '?',
    user_s: utime / ticks,
    system_s: stime / ticks,
  };
}

/** CPU seconds (user + system) the process has used so far, or undefined if it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  let line: string;
  try {
    line = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const t = parseProcStat(line);
  return t.user_s + t.system_s;
}

export type MachineTimes = { busy_s: number; total_s: number };

/**
 * The first line of /proc/stat (`cpu  user nice system idle iowait irq softirq steal guest guest_nice`),
 * summed over every core: busy is everything but idle and iowait. Guest time is already inside user and
 * nice, so it is not added twice.
 */
export function parseMachineStat(text: string, ticks = CLOCK_TICKS): MachineTimes {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error('cpu: no aggregate "cpu" line in /proc/stat');
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map((x) => Number(x) || 0);
  const busy = user! + nice! + system! + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return { busy_s: busy / ticks, total_s: (busy + idle! + (iowait ?? 0)) / ticks };
}

export function machineTimes(): MachineTimes {
  return parseMachineStat(readFileSync('/proc/stat', 'utf8'));
}

export const cores = () => cpus().length;

/**
 * `lab`: the measuring process itself (the sweep's parent: it produces the backlog and reads the lag; a
 * benchmark's own process); `database`: the database server the stage writes to.
 */
export type CpuKind = 'consumer' | 'broker' | 'producer' | 'lab' | 'database';

/** One process's share of a measured stretch: its CPU seconds, and those per 1,000 events of the stretch. */
export type CpuUse = { process: string; kind: CpuKind; pid: number; cpu_s: number; per_1000_events: number };

/**
 * The whole machine over the stretch: how much of its cores' time was busy, by anyone, and how much of
 * that the watched processes do not explain (`other_s`: the engines of the embedded stack, whatever else
 * runs on the machine). A large `other_s` means the figures were measured on a machine that was not quiet.
 */
export type MachineUse = { cores: number; wall_s: number; busy_s: number; busy_share: number; other_s: number };

export type Watched = { process: string; kind: CpuKind; pid: number };

/**
 * A stretch being measured: CPU of each watched process and of the machine at the start; `end(events)`
 * takes the difference. A process that exits before the end counts what it had used when last seen.
 */
export function startCpuMeter(watched: readonly Watched[]) {
  const at0 = performance.now();
  const machine0 = machineTimes();
  const own = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const read = (w: Watched) => (w.pid === process.pid ? own() : processCpuSeconds(w.pid));
  const first = new Map(watched.map((w) => [w, read(w)]));
  const last = new Map(first);
  return {
    /** reads every process now (call it before stopping one, so its last seconds count) */
    sample() {
      for (const w of watched) {
        const v = read(w);
        if (v !== undefined) last.set(w, v);
      }
    },
    end(events: number): { cpu: CpuUse[]; machine: MachineUse } {
      this.sample();
      const wall_s = (performance.now() - at0) / 1000;
      const m = machineTimes();
      const per = (s: number) => (events > 0 ? round((s / events) * 1000) : 0);
      const cpu = watched.map((w) => {
        const s = Math.max(0, (last.get(w) ?? 0) - (first.get(w) ?? 0));
        return { process: w.process, kind: w.kind, pid: w.pid, cpu_s: round(s), per_1000_events: per(s) };
      });
      const busy_s = m.busy_s - machine0.busy_s;
      const total_s = m.total_s - machine0.total_s;
      const watched_s = cpu.reduce((t, c) => t + c.cpu_s, 0);
      return {
        cpu,
        machine: {
          cores: cores(),
          wall_s: round(wall_s),
          busy_s: round(busy_s),
          busy_share: total_s > 0 ? round(Math.min(1, busy_s / total_s)) : 0,
          other_s: round(Math.max(0, busy_s - watched_s)),
        },
      };
    },
  };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
