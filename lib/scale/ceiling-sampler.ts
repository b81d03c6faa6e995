// Lab 09's ceiling, measured: every `sampleMs`, each consumer group's position on the transactions topic
// (lag in records and in seconds of the stream, and its pace), the producer's (from the ramp), and the CPU
// of every process of the pipeline and of the machine (cpu.ts reads /proc). Polls that fail (a broker
// hiccup) are skipped; the next sample spans the gap.
import type { Admin } from 'kafkajs';
import { computeLag } from '../lag.ts';
import { sleep } from '../wait.ts';
import { decodeMeta } from '../windows/operator.ts';
import type { CeilingSample } from './ceiling.ts';
import { progressLine } from './ceiling-lines.ts';
import { type MachineTimes, machineTimes, processCpuSeconds } from './cpu.ts';
import { PROCESSES, type ProcessName, type Stage, type StageReading, lagSeconds } from './saturation.ts';

export type SamplerOptions = {
  admin: Admin;
  topic: string;
  groups: Record<Exclude<Stage, 'producer'>, string>;
  pids: Record<ProcessName, number[]>;
  sampleMs: number;
  rampStart: number;
  producer: () => { step: number; offered: number; acked: number; behindS: number };
  log: (line: string) => void;
};

type InternalSample = CeilingSample & { dt_s: number };
type Reading = {
  at: number;
  ends: number;
  consumed: Record<Exclude<Stage, 'producer'>, number>;
  lag: Record<Exclude<Stage, 'producer'>, number>;
  acked: number;
  cpuS: Record<ProcessName, number | null>;
  machine: MachineTimes | null;
};

/** Every `sampleMs` until stopped: lags, paces, CPU. A poll that fails (a broker hiccup) is skipped. */
export function startSampler(o: SamplerOptions) {
  const samples: InternalSample[] = [];
  const recentEnds: { at: number; ends: number }[] = [];
  let running = true;
  let previous: Reading | undefined;
  let lastLog = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const p = o.producer();
      const reading = await read(o, p.acked).catch(() => undefined);
      if (reading && previous) {
        const dt = (reading.at - previous.at) / 1000;
        recentEnds.push({ at: reading.at, ends: reading.ends });
        while (recentEnds.length > 5) recentEnds.shift();
        const first = recentEnds[0]!;
        const appendPerS =
          recentEnds.length > 1 && reading.at > first.at
            ? ((reading.ends - first.ends) * 1000) / (reading.at - first.at)
            : 0;
        const perS = appendPerS >= 1 ? appendPerS : p.offered;
        const stages = {
          producer: {
            lag_records: Math.round(p.behindS * p.offered),
            lag_s: p.behindS,
            per_s: (reading.acked - previous.acked) / dt,
          },
        } as Record<Stage, StageReading>;
        for (const g of ['sink', 'windows', 'fraud'] as const)
          stages[g] = {
            lag_records: reading.lag[g],
            lag_s: lagSeconds(reading.lag[g], perS),
            per_s: (reading.consumed[g] - previous.consumed[g]) / dt,
          };
        const cpu = {} as Record<ProcessName, number | null>;
        for (const name of PROCESSES) {
          const [now, before] = [reading.cpuS[name], previous.cpuS[name]];
          cpu[name] = now === null || before === null ? null : ((now - before) / dt) * 100;
        }
        const busy =
          reading.machine && previous.machine && reading.machine.total_s > previous.machine.total_s
            ? ((reading.machine.busy_s - previous.machine.busy_s) /
                (reading.machine.total_s - previous.machine.total_s)) *
              100
            : null;
        const sample: InternalSample = {
          t_s: (reading.at - o.rampStart) / 1000,
          step: p.step,
          offered_per_s: p.offered,
          stages,
          cpu,
          machine_busy_pct: busy,
          dt_s: dt,
        };
        samples.push(sample);
        if (reading.at - lastLog >= 1000) {
          lastLog = reading.at;
          o.log(progressLine(sample));
        }
      }
      if (reading) previous = reading;
      await sleep(Math.max(0, o.sampleMs - (performance.now() - started)));
    }
  })();
  /** time-weighted mean over a step's samples */
  const mean = (step: number, f: (s: InternalSample) => number | null): number | null => {
    let [sum, weight] = [0, 0];
    for (const s of samples) {
      const v = s.step === step ? f(s) : null;
      if (v === null) continue;
      sum += v * s.dt_s;
      weight += s.dt_s;
    }
    return weight > 0 ? sum / weight : null;
  };
  return {
    samples,
    meanCpu(step: number): Record<ProcessName, number | null> {
      return Object.fromEntries(PROCESSES.map((p) => [p, mean(step, (s) => s.cpu[p])])) as Record<
        ProcessName,
        number | null
      >;
    },
    meanBusy: (step: number) => mean(step, (s) => s.machine_busy_pct),
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function read(o: SamplerOptions, acked: number): Promise<Reading> {
  const [ends, sink, windows, fraud] = await Promise.all([
    o.admin.fetchTopicOffsets(o.topic),
    committed(o.admin, o.groups.sink, o.topic),
    committed(o.admin, o.groups.windows, o.topic),
    committed(o.admin, o.groups.fraud, o.topic),
  ]);
  const at = performance.now();
  // the windows group commits where a restart resumes (its oldest open window), and in the commit's
  // metadata the last offset it has read and persisted: that one is how far it has got
  const windowsRead = windows.map((p) => {
    const meta = decodeMeta(p.metadata);
    return meta ? { partition: p.partition, offset: String(meta.lastOffset + 1) } : p;
  });
  const total = (lags: { lag: number }[]) => lags.reduce((s, l) => s + l.lag, 0);
  const endSum = ends.reduce((s, e) => s + Number(e.high), 0);
  const lag = {
    sink: total(computeLag(ends, sink)),
    windows: total(computeLag(ends, windowsRead)),
    fraud: total(computeLag(ends, fraud)),
  };
  return {
    at,
    ends: endSum,
    lag,
    consumed: { sink: endSum - lag.sink, windows: endSum - lag.windows, fraud: endSum - lag.fraud },
    acked,
    cpuS: Object.fromEntries(PROCESSES.map((p) => [p, cpuSecondsOf(o.pids[p])])) as Record<ProcessName, number | null>,
    machine: machine(),
  };
}

async function committed(admin: Admin, groupId: string, topic: string) {
  const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
  return offsets.find((t) => t.topic === topic)?.partitions ?? [];
}

/** CPU seconds (user + system) these processes have used so far; null when none of them can be read */
function cpuSecondsOf(pids: readonly number[]): number | null {
  let sum: number | null = null;
  for (const pid of pids) {
    const t = processCpuSeconds(pid);
    if (t !== undefined) sum = (sum ?? 0) + t;
  }
  return sum;
}

function machine(): MachineTimes | null {
  try {
    return machineTimes();
  } catch {
    return null;
  }
}
