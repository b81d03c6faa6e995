// A windows process seen from a parent (lab 06, the tests): lib/windows/main.ts as a child process
// (lib/child.ts), with the partitions it was assigned and the progress it reports after each step.
// stop() is SIGTERM (it leaves the group); kill() is SIGKILL (a crash: its state is gone, its commits stay).
import { type Child, spawnChild } from '../child.ts';
import type { WindowsProgress } from './consumer.ts';
import type { WindowsIpcMessage } from './main.ts';

export type WindowsProcess = Omit<Child, 'ready' | 'name'> & {
  ready: Promise<void>;
  progress(): WindowsProgress | undefined;
  partitions(): number[];
};

export type WindowsFlags = { window?: number; bound?: number; lateness?: number; idle?: number; group?: string };

export function spawnWindows(
  o: { name?: string; env?: Record<string, string>; onLine?: (line: string) => void } & WindowsFlags,
): WindowsProcess {
  let progress: WindowsProgress | undefined;
  let partitions: number[] = [];
  const flag = (name: keyof WindowsFlags) => (o[name] === undefined ? [] : [`--${name}`, String(o[name])]);
  const child = spawnChild({
    name: o.name ?? 'windows',
    main: 'lib/windows/main.ts',
    args: [...flag('window'), ...flag('bound'), ...flag('lateness'), ...flag('idle'), ...flag('group')],
    env: o.env,
    onLine: o.onLine,
    onMessage(m) {
      const message = m as WindowsIpcMessage;
      if (message.type === 'joined') partitions = message.partitions;
      else if (message.type === 'progress') progress = message.progress;
    },
  });
  return { ...child, ready: child.ready.then(() => {}), progress: () => progress, partitions: () => [...partitions] };
}
