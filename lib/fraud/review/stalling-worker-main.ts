#!/usr/bin/env bun
// For the crash tests only: the review worker (worker-service.ts) with one activity that stops at a
// chosen moment and never returns, so a test can SIGKILL the process exactly there:
//   after   its work is done and the log row says so, before the worker reports the result
//   during  the log row is started, the work never runs
// Usage: stalling-worker-main.ts <activityType> <after|during>
import { config } from '../../config.ts';
import type { ActivityLog, AttemptKey } from './sql/activity-log.ts';
import { serveReviewWorker } from './worker-service.ts';

const [activityType, when] = process.argv.slice(2);
if (!activityType || (when !== 'after' && when !== 'during')) {
  console.error('usage: stalling-worker-main.ts <activityType> <after|during>');
  process.exit(2);
}

const forever = () => new Promise<never>(() => {});
const stalls = (k: AttemptKey) => k.activityType === activityType;

await serveReviewWorker(config(), {
  attempts: (log: ActivityLog) => ({
    async started(k) {
      await log.started(k);
      if (when === 'during' && stalls(k)) await forever();
    },
    async finished(k, error) {
      await log.finished(k, error);
      if (when === 'after' && error === undefined && stalls(k)) await forever();
    },
  }),
});
process.exit(0);
