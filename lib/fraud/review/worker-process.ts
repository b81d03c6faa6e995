// The review worker as a child process (`worker-main.ts`, through lib/child.ts), for lab 05 and the
// crash test: ready once it polls its task queue; kill() (SIGKILL) is a crash, in-flight tasks
// abandoned; stop() (SIGTERM) a graceful stop.
import { type Child, spawnChild } from '../../child.ts';

export type WorkerProcess = Child;

export function spawnWorker(env: Record<string, string> = {}, onLine?: (line: string) => void): WorkerProcess {
  return spawnChild({
    name: 'fraud worker',
    main: 'lib/fraud/review/worker-main.ts',
    env,
    onLine,
    readyTimeoutMs: 60_000,
  });
}
