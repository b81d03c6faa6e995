// The embedded stack's programmatic face: labs and the test preload call ensureStack(), the CLI calls
// all four. Engines are independent, so they start and stop in parallel (an exporter whose engine is
// still starting reports it down until the engine answers).
import type { Watched } from '../scale/cpu.ts';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { type Config, config } from '../config.ts';
import { StackError } from '../errors.ts';
import { ENGINE_NAMES, type Engine, type EngineName } from './engine.ts';
import { kafkaEngine } from './kafka.ts';
import { lagExporterEngine } from './lag-exporter.ts';
import {
  type State,
  type StopResult,
  type UpResult,
  engineStatus,
  ensureEngine,
  shortPath,
  stopEngine,
} from './lifecycle.ts';
import { mariadbEngine } from './mariadb.ts';
import { mysqldExporterEngine } from './mysqld-exporter.ts';
import { prometheusEngine } from './prometheus.ts';
import { downLine, upLine } from './lines.ts';
import { temporalEngine } from './temporal.ts';

export { ENGINE_NAMES, type EngineName };

export interface StackOptions {
  engines?: readonly EngineName[];
  /** print nothing but notes about long one-time steps (building, downloading) */
  quiet?: boolean;
}

export function stackEngines(cfg: Config = config(), names: readonly EngineName[] = ENGINE_NAMES): Engine[] {
  const all = {
    kafka: kafkaEngine,
    db: mariadbEngine,
    temporal: temporalEngine,
    prometheus: prometheusEngine,
    'mysqld-exporter': mysqldExporterEngine,
    'lag-exporter': lagExporterEngine,
  } as const;
  // the mysqld exporter logs in with the embedded MariaDB's exporter account: none for a database of your own
  const wanted = names.filter((n) => n !== 'mysqld-exporter' || cfg.db.managed);
  return wanted.map((n) => all[n](cfg));
}

const lineOf = (e: Engine) => ({ label: e.label, endpoint: e.endpoint, log: shortPath(e.logFile), links: e.links });

/** Settles every task, then throws one StackError listing each failure on its own line. */
async function allOrError<T>(engines: Engine[], task: (e: Engine) => Promise<T>): Promise<T[]> {
  const settled = await Promise.allSettled(engines.map(task));
  const problems = settled.flatMap((s, i) =>
    s.status === 'fulfilled'
      ? []
      : [
          s.reason instanceof StackError
            ? s.reason.message
            : `stack: ${engines[i]!.label}: ${String(s.reason?.stack ?? s.reason)}`,
        ],
  );
  if (problems.length > 0) throw new StackError(problems.join('\n'));
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

export interface UpReport {
  engine: EngineName;
  endpoint: string;
  result: UpResult;
}

/** The engines' data (topics, tables, workflow histories) is for this user alone: the stack dir is 0700. */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Starts (or finds running, or probes external) the requested engines; resolves when all answer. Idempotent. */
export async function ensureStack(opts: StackOptions = {}): Promise<UpReport[]> {
  const say = opts.quiet ? () => {} : (line: string) => console.log(line);
  const note = (line: string) => console.error(line);
  privateDir(config().stackDir);
  return allOrError(stackEngines(config(), opts.engines), async (e) => {
    const result = await ensureEngine(e, note);
    say(upLine(lineOf(e), result));
    return { engine: e.name, endpoint: e.endpoint, result };
  });
}

/** The pid of an engine `ensureStack` reported (undefined for an external one, or one not asked for). */
export function enginePid(up: readonly UpReport[], engine: EngineName): number | undefined {
  const r = up.find((u) => u.engine === engine)?.result;
  return r && 'pid' in r ? r.pid : undefined;
}

/**
 * The database server and the broker `ensureStack` started, as processes a CPU meter watches (an external
 * engine has no pid here and is left out).
 */
export function engineWatched(up: readonly UpReport[]): Watched[] {
  const [db, kafka] = [enginePid(up, 'db'), enginePid(up, 'kafka')];
  return [
    ...(db === undefined ? [] : [{ process: 'database', kind: 'database' as const, pid: db }]),
    ...(kafka === undefined ? [] : [{ process: 'kafka', kind: 'broker' as const, pid: kafka }]),
  ];
}

/** Stops the processes the stack started (external engines are left alone); data stays. */
export async function stopStack(opts: StackOptions = {}): Promise<{ engine: EngineName; result: StopResult }[]> {
  const say = opts.quiet ? () => {} : (line: string) => console.log(line);
  return allOrError(stackEngines(config(), opts.engines), async (e) => {
    const r = await stopEngine(e);
    say(downLine(e.label, r));
    return { engine: e.name, result: r.result };
  });
}

/** Stops the stack and deletes the engines' data and logs (the Kafka classpath and built tools stay cached). */
export async function resetStack(opts: StackOptions = {}): Promise<void> {
  await stopStack(opts);
  for (const e of stackEngines(config(), opts.engines)) {
    if (!e.managed) continue;
    for (const path of [...e.dataPaths, e.pidFile]) rmSync(path, { recursive: true, force: true });
  }
}

export interface EngineStatus {
  engine: EngineName;
  label: string;
  mode: 'managed' | 'external';
  state: State;
  endpoint: string;
  pid?: number;
  logFile?: string;
  links: string[];
}

export async function stackStatus(opts: StackOptions = {}): Promise<EngineStatus[]> {
  return Promise.all(
    stackEngines(config(), opts.engines).map(async (e) => {
      const s = await engineStatus(e);
      return {
        engine: e.name,
        label: e.label,
        mode: e.managed ? 'managed' : 'external',
        state: s.state,
        endpoint: e.endpoint,
        pid: s.pid,
        logFile: e.managed ? e.logFile : undefined,
        links: e.links ?? [],
      } satisfies EngineStatus;
    }),
  );
}
