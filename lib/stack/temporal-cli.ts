// Finds the `temporal` CLI (PATH, then Go's bin folder), or builds it once with `go install`. v1.5.1 is
// pinned: later versions carry a replace directive in go.mod, which makes `go install pkg@version` refuse.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StackError } from '../errors.ts';
import { findByMarkers, isAlive } from './pids.ts';
import { run, runStep, which } from './tools.ts';
import { waitFor } from '../wait.ts';

export const TEMPORAL_CLI_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const BUILD_TIMEOUT_MS = 30 * 60_000;

/** Where `go install` puts binaries, from `go env GOBIN GOPATH` output: GOBIN, else the first GOPATH entry's bin. */
export function goBinDir(goEnvOutput: string, home: string): string {
  const [gobin = '', gopath = ''] = goEnvOutput.split('\n').map((l) => l.trim());
  if (gobin) return gobin;
  const first = gopath.split(':')[0];
  return join(first || join(home, 'go'), 'bin');
}

export async function temporalCli(note: (line: string) => void, buildLog: string): Promise<string> {
  const onPath = which('temporal');
  if (onPath !== undefined) return onPath;
  const go = which('go');
  const binDir = go
    ? goBinDir((await run(go, ['env', 'GOBIN', 'GOPATH'])).stdout, homedir())
    : join(homedir(), 'go', 'bin');
  const built = join(binDir, 'temporal');
  if (existsSync(built)) return built;
  if (go === undefined) {
    throw new StackError(
      'stack: the Temporal CLI is not installed, and Go is not there to build it: install Go (https://go.dev/dl) or the Temporal CLI (https://docs.temporal.io/cli), or set TEMPORAL_ADDRESS=host:port to use your own Temporal',
    );
  }
  const other = findByMarkers(['install', TEMPORAL_CLI_PACKAGE]);
  if (other !== undefined) {
    note(`stack: waiting for a \`go install\` of the Temporal CLI already running (pid ${other}) to finish`);
    await waitFor(async () => !isAlive(other), { timeoutMs: BUILD_TIMEOUT_MS, intervalMs: 1_000 });
    if (existsSync(built)) return built;
  }
  note(
    `stack: building the Temporal CLI with \`go install ${TEMPORAL_CLI_PACKAGE}@${TEMPORAL_CLI_VERSION}\` (takes minutes, once; cached in ${binDir})`,
  );
  await runStep(
    'building the Temporal CLI with go install',
    go,
    ['install', `${TEMPORAL_CLI_PACKAGE}@${TEMPORAL_CLI_VERSION}`],
    { logFile: buildLog },
  );
  if (!existsSync(built))
    throw new StackError(`stack: \`go install\` finished but ${built} is missing: see ${buildLog}`);
  return built;
}
