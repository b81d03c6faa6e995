// The Temporal dev server (`temporal server start-dev`): frontend, history, matching and the web UI in one
// process, with its state in a SQLite file under the stack dir so workflows survive a restart, and its
// Prometheus metrics on a fixed local port.
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { type Config, EMBEDDED } from '../config.ts';
import { MONITORING } from '../monitoring/ports.ts';
import type { Command, Engine } from './engine.ts';
import { portAccepts, splitHostPort } from './pids.ts';
import { temporalCli } from './temporal-cli.ts';

export interface DevServer {
  host: string;
  port: number;
  uiPort: number;
  metricsPort: number;
  dbFile: string;
  namespace: string;
}

export function startDevArgs(s: DevServer): string[] {
  const ns = s.namespace === 'default' ? [] : ['--namespace', s.namespace]; // "default" always exists
  return [
    'server',
    'start-dev',
    '--ip',
    s.host,
    '--port',
    String(s.port),
    '--ui-port',
    String(s.uiPort),
    '--metrics-port',
    String(s.metricsPort),
    '--db-filename',
    s.dbFile,
    '--log-level',
    'warn',
    // SQLite in write-ahead-log mode, synced at checkpoints rather than at every commit: the server's
    // many small writes (one transaction per workflow task) stop waiting for an fsync each. A crash of
    // the server process loses nothing; an OS crash or power loss can lose the last commits (README).
    ...SQLITE_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p]),
    ...DYNAMIC_CONFIG.flatMap((v) => ['--dynamic-config-value', v]),
    ...ns,
  ];
}

export const SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

/**
 * The transfer queue, which hands each new workflow or activity task to matching, is read at most 20
 * times a second per history shard by default, and the dev server has one shard: past a few tasks a
 * second every hop waited ~40 ms for its turn (a review has seven: p50 340 ms at 5 to 10 reviews/s
 * offered, 72 ms at 2/s). Read up to 1,000 times a second, a review takes 60-90 ms up to 20/s (README).
 */
export const DYNAMIC_CONFIG = ['history.transferProcessorMaxPollRPS=1000'];

/** The frontend answers GetSystemInfo and knows our namespace. */
export async function temporalAnswers(address: string, namespace: string): Promise<boolean> {
  const { host, port } = splitHostPort(address);
  if (!(await portAccepts(host, port))) return false;
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 2_000 });
    const c = connection;
    await c.withDeadline(Date.now() + 3_000, async () => {
      await c.workflowService.getSystemInfo({});
      await c.workflowService.describeNamespace({ namespace });
    });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => {});
  }
}

export function temporalEngine(cfg: Config): Engine {
  const { host, port } = splitHostPort(cfg.temporal.address);
  const dir = join(cfg.stackDir, 'temporal');
  const dbFile = join(dir, 'temporal.db');
  const uiPort = EMBEDDED.temporalUiPort;
  return {
    name: 'temporal',
    label: 'temporal',
    managed: cfg.temporal.managed,
    endpoint: cfg.temporal.address,
    envVar: 'TEMPORAL_ADDRESS',
    host,
    ports: [
      {
        port,
        what: 'Temporal frontend',
        alternative: `set TEMPORAL_ADDRESS=${host}:${port} to use that Temporal instead`,
      },
      { port: uiPort, what: 'Temporal web UI' },
      { port: MONITORING.temporalMetricsPort, what: 'Temporal metrics' },
    ],
    dir,
    logFile: join(dir, 'temporal.log'),
    pidFile: join(dir, 'temporal.pid'),
    markers: ['start-dev', dbFile],
    links: cfg.temporal.managed ? [`ui http://${host}:${uiPort}`] : [],
    startTimeoutMs: 60_000,
    stopTimeoutMs: 30_000,
    dataPaths: [dbFile, `${dbFile}-wal`, `${dbFile}-shm`, join(dir, 'temporal.log')],
    ready: () => temporalAnswers(cfg.temporal.address, cfg.temporal.namespace),
    async prepare(note): Promise<Command> {
      const cli = await temporalCli(note, join(dir, 'build.log'));
      return {
        cmd: cli,
        args: startDevArgs({
          host,
          port,
          uiPort,
          metricsPort: MONITORING.temporalMetricsPort,
          dbFile,
          namespace: cfg.temporal.namespace,
        }),
      };
    },
  };
}
