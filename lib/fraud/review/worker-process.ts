// The review worker as a child process (`worker-main.ts`, through lib/child.ts), for lab 05 and the
// crash test: ready once it polls its task queue; kill() (SIGKILL) is a crash, in-flight tasks
// abandoned; stop() (SIGTERM) a graceful stop.
import { type Child, spawnChild } from '../../child.ts';

export function spawnWorker(env: Record<string, string> = {}): Child {
  return spawnChild({ name: 'fraud worker', main: 'lib/fraud/review/worker-main.ts', env });
}
