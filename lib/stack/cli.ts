// `bun run stack up|down|status|reset [kafka|db|temporal ...]`: the embedded engines as local processes,
// with all their state under the stack dir (.stack by default).
import { config } from '../config.ts';
import { TxlabError } from '../errors.ts';
import { shortPath } from './lifecycle.ts';
import { ENGINE_NAMES, type EngineName, ensureStack, resetStack, stackStatus, stopStack } from './index.ts';
import { table } from '../terminal.ts';

const USAGE = `usage: bun run stack up|down|status|reset [${ENGINE_NAMES.join('|')} ...]
  up      start the engines (or find them running) and wait until they answer
  down    stop the processes the stack started; data stays
  status  show each engine: managed or external, up or down, endpoint, pid, log
  reset   down, then delete the engines' data under ${shortPath(config().stackDir)}`;

async function status(engines: readonly EngineName[]): Promise<void> {
  const rows = await stackStatus({ engines });
  console.log(
    table(
      rows.map((r) => ({
        engine: r.label,
        mode: r.mode,
        state: r.state,
        endpoint: r.endpoint,
        pid: r.pid?.toString() ?? '-',
        log: r.logFile ? shortPath(r.logFile) : '-',
      })),
    ),
  );
  for (const r of rows) if (r.state === 'up') for (const link of r.links) console.log(`${r.label} ${link}`);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const unknown = rest.filter((n) => !(ENGINE_NAMES as readonly string[]).includes(n));
  if (command === undefined || unknown.length > 0) {
    console.error(unknown.length > 0 ? `stack: unknown engine ${unknown.join(', ')}\n${USAGE}` : USAGE);
    return 2;
  }
  const engines = rest.length > 0 ? (rest as EngineName[]) : ENGINE_NAMES;
  switch (command) {
    case 'up':
      await ensureStack({ engines });
      return 0;
    case 'down':
      await stopStack({ engines });
      return 0;
    case 'status':
      await status(engines);
      return 0;
    case 'reset':
      await resetStack({ engines });
      console.log(`stack: data deleted under ${shortPath(config().stackDir)}`);
      return 0;
    default:
      console.error(`stack: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

try {
  process.exit(await main(process.argv.slice(2)));
} catch (e) {
  if (e instanceof TxlabError && e.expected) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
