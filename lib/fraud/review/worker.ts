// The review worker: the workflows (bundled from workflows.ts) and the activities, polling one task
// queue. Several workers on the same queue share the load; a worker that dies leaves its work to the
// others (or to its replacement) through the server.
import { fileURLToPath } from 'node:url';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundle,
  bundleWorkflowCode,
} from '@temporalio/worker';
import type { Config } from '../../config.ts';
import type { ReviewActivities } from './activities.ts';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows.ts', import.meta.url));

/**
 * Quieter SDK logs (warnings and errors only), and with `prometheusPort` the SDK's own metrics served on
 * `http://127.0.0.1:<port>/metrics` (prefixed `temporal_`, with `_total` and unit suffixes, in seconds);
 * must run before the first connection. Idempotent: a second call changes nothing.
 */
export function installRuntime(level: 'WARN' | 'INFO' | 'ERROR' = 'WARN', o: { prometheusPort?: number } = {}): void {
  try {
    Runtime.install({
      logger: new DefaultLogger(level),
      ...(o.prometheusPort
        ? {
            telemetryOptions: {
              metrics: {
                prometheus: {
                  bindAddress: `127.0.0.1:${o.prometheusPort}`,
                  countersTotalSuffix: true,
                  unitSuffix: true,
                  useSecondsForDurations: true,
                },
              },
            },
          }
        : {}),
    });
  } catch (e) {
    if (!/already (been )?installed|already instantiated/i.test((e as Error).message)) throw e;
  }
}

let bundle: Promise<WorkflowBundle> | undefined;
/** The workflow bundle, built once per process (several in-process workers then start in milliseconds). */
export function reviewWorkflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }).then((b) => ({
    code: b.code,
  }));
  return bundle;
}

export type ReviewWorkerOptions = {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ReviewActivities;
  /** reuse a prebuilt bundle; by default the worker bundles workflows.ts itself (a few seconds) */
  workflowBundle?: WorkflowBundle;
};

export async function createReviewWorker(o: ReviewWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: o.activities,
    // a worker that dies holds its cached workflows' next tasks on its sticky queue until this passes
    stickyQueueScheduleToStartTimeout: '3 seconds',
    shutdownGraceTime: '5 seconds',
  });
}

export const connectWorker = (c: Config) => NativeConnection.connect({ address: c.temporal.address });
