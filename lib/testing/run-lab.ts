// Runs a lab as a user would (a separate `bun` process), with environment overrides, and returns what
// it printed and its exit code.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../config.ts';

export type LabRun = { code: number; stdout: string; stderr: string; dataDir: string };

export async function runLabProcess(script: string, args: string[], env: Record<string, string> = {}): Promise<LabRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'txlab-test-data-'));
  const proc = Bun.spawn([process.execPath, resolve(PROJECT_ROOT, script), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TXLAB_DATA_DIR: dataDir, ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr, dataDir };
}
