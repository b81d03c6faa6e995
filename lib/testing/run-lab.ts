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

const tail = (text: string, lines: number, chars: number) => {
  const t = text.trimEnd().split('\n').slice(-lines).join('\n');
  return t.length > chars ? `…${t.slice(-chars)}` : t;
};

/** Runs a test's checks on a lab's run. When one fails, its error also carries the end of what the lab
 * printed (stdout and stderr), so the failure explains itself where only the test's error is kept (the
 * failures block at the end of `npm test`, a CI log's tail). */
export async function checkRun(run: LabRun, checks: () => void | Promise<void>): Promise<void> {
  try {
    await checks();
  } catch (e) {
    if (e instanceof Error) {
      e.message +=
        `\n\nthe lab exited ${run.code}; the end of its stdout:\n${tail(run.stdout, 12, 1500)}` +
        `\nthe end of its stderr:\n${tail(run.stderr, 20, 2500)}`;
    }
    throw e;
  }
}
