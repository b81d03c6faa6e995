// How a lab (and every child process, which runs in the same frame) answers stop signals: a stop finishes
// cleanly; the same signal again forces; a SIGTERM after a SIGINT (Ctrl-C reaches a lab's children, then
// their parent's cleanup sends SIGTERM) does not cut the cleanup short.
import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';

async function run(signals: NodeJS.Signals[]): Promise<{ code: number; out: string }> {
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, 'fixtures/signal-lab.ts')], {
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const reader = proc.stdout.getReader();
  let out = '';
  while (!out.includes('ready')) {
    const { value, done } = await reader.read();
    if (done) break;
    out += new TextDecoder().decode(value);
  }
  for (const s of signals) {
    proc.kill(s);
    await Bun.sleep(50);
  }
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    out += new TextDecoder().decode(value);
  }
  return { code: await proc.exited, out };
}

describe('a lab’s stop signals', () => {
  test('one SIGINT: it cleans up and exits 0', async () => {
    expect(await run(['SIGINT'])).toEqual({ code: 0, out: 'ready\ncleaned up\n' });
  });

  test('SIGINT then SIGTERM: still a clean stop', async () => {
    expect(await run(['SIGINT', 'SIGTERM'])).toEqual({ code: 0, out: 'ready\ncleaned up\n' });
  });

  test('SIGINT twice: forced, without cleanup', async () => {
    expect(await run(['SIGINT', 'SIGINT'])).toEqual({ code: 130, out: 'ready\n' });
  });
});
