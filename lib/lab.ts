// The frame every lab and tool runs in: Ctrl-C / SIGTERM become an AbortSignal the lab polls so it can
// flush and leave cleanly (a second Ctrl-C forces; a SIGTERM after a SIGINT does not), and failures end the process as lib/errors.ts
// says: an expected one (bad env, bad flags, stack not startable) in one line with exit 2.
import { describeFailure } from './errors.ts';

export type LabContext = { signal: AbortSignal };

export async function runLab(name: string, main: (ctx: LabContext) => Promise<void>): Promise<never> {
  const ac = new AbortController();
  // Only the same signal again forces: Ctrl-C in a terminal reaches a lab's children as SIGINT, and then
  // their parent's cleanup sends them SIGTERM, which must not cut their own cleanup short
  const received = new Set<NodeJS.Signals>();
  const onSignal = (sig: NodeJS.Signals) => {
    const again = received.has(sig);
    received.add(sig);
    if (again) {
      console.error(`\n${name}: second ${sig}, exiting without cleanup`);
      process.exit(130);
    }
    if (ac.signal.aborted) return;
    console.error(`\n${name}: ${sig} received: finishing cleanly (press Ctrl-C again to force)`);
    ac.abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let code = 0;
  try {
    await main({ signal: ac.signal });
  } catch (e) {
    const failure = describeFailure(name, e);
    if (failure.stack) console.error(failure.text, e);
    else console.error(failure.text);
    code = failure.code;
  }
  // client libraries can leave timers behind; a lab's end is the process's end
  process.exit(code || Number(process.exitCode ?? 0));
}
