// Lab 03's CPU over the live stream: which processes it watches (this one, which produces the live
// stream; each sink; the database server and the broker the stack started) and how the report says it.
// On two cores every hop of the pipeline shares them, so the latency tail is partly the wait for a core.
import type { CpuOver } from '../../lib/results/cpu.ts';
import type { Watched } from '../../lib/scale/cpu.ts';
import type { SinkProcess } from '../../lib/sink/process.ts';
import { engineWatched, type UpReport } from '../../lib/stack/index.ts';

export function liveWatched(up: readonly UpReport[], sinks: readonly SinkProcess[]): Watched[] {
  return [
    { process: 'lab (producer)', kind: 'producer', pid: process.pid },
    ...sinks.map((s): Watched => ({ process: s.id, kind: 'consumer', pid: s.pid })),
    ...engineWatched(up),
  ];
}

/** "machine 78 % busy; cores: lab (producer) 0.16, sink-1 0.41, database 0.47, kafka 0.30" */
export function describeCpu(m: CpuOver): string {
  const cores = m.cpu.map((c) => `${c.process} ${(m.machine.wall_s > 0 ? c.cpu_s / m.machine.wall_s : 0).toFixed(2)}`);
  return `machine ${Math.round(m.machine.busy_share * 100)} % busy; cores: ${cores.join(', ')}`;
}
