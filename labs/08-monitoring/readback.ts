// Lab 08 after the stream: waiting until Prometheus reads the group's lag as 0 (on a reading made after
// the drain) and the alert as resolved, then reading back over the whole run what the pipeline
// dashboard showed (query_range at the panels' step), on the lab's clock.
import { READING_STARTED } from '../../lib/monitoring/lag-exporter.ts';
import { sleep, waitFor } from '../../lib/wait.ts';
import { type panelQueries, STEP_S } from './panels.ts';
import { instantQuery, rangeQuery } from './prometheus.ts';
import { alertPoints, onClock } from './timeline.ts';

type Queries = ReturnType<typeof panelQueries>;

/** after the stream: the sink caught up, Prometheus reading lag 0 and the alert inactive */
const SETTLE_MS = 120_000;

/**
 * True once Prometheus shows the topic's lag at 0, on a lag reading begun at or after `sinceMs` (the
 * moment Kafka said the group caught up), and no alert; reports and returns false after SETTLE_MS. A
 * reading from before that moment can say 0 by chance while the stream still ran, and the one after
 * it then shows the records that were in flight.
 */
export async function settle(
  prometheus: string,
  queries: Queries,
  topic: string,
  sinceMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  const freshLag = `(${queries.lag}) and on() (${READING_STARTED} >= ${sinceMs / 1000})`;
  const settled = await waitFor(
    async () => {
      const [alert, lag] = await Promise.all([
        instantQuery(prometheus, queries.alert),
        instantQuery(prometheus, freshLag),
      ]);
      const mine = lag.filter((s) => s.labels.topic === topic);
      return alert.length === 0 && mine.length > 0 && mine.every((s) => s.points[0]?.[1] === 0);
    },
    { timeoutMs: SETTLE_MS, intervalMs: 1000, signal },
  );
  if (!settled.ok) {
    console.error(`lab 08: the alert did not resolve, or the lag did not read 0: ${settled.reason}`);
    const started = await instantQuery(prometheus, READING_STARTED).catch(() => []);
    if (started.length === 0)
      console.error(
        `lab 08: Prometheus has no ${READING_STARTED}: a lag exporter started from an older txlab serves no such time; restart it (bun run stack down lag-exporter, then run the lab again)`,
      );
    return false;
  }
  await sleep(STEP_S * 1000 + 1000, signal); // one step past the last active point
  return true;
}

/** The dashboard's series over [t0 − 2 steps, now], as points on the lab's clock. */
export async function readBack(prometheus: string, queries: Queries, topic: string, t0Ms: number) {
  const to = new Date();
  const from = new Date(t0Ms - 2 * STEP_S * 1000);
  const read = (q: string) => rangeQuery(prometheus, q, from, to, STEP_S);
  const [acked, stored, lag, p99, dlq, alert] = await Promise.all([
    read(queries.acked_per_s),
    read(queries.stored_per_s),
    read(queries.lag),
    read(queries.event_to_row_p99_s),
    read(queries.dlq_per_s),
    read(queries.alert),
  ]);
  return {
    endS: (to.getTime() - t0Ms) / 1000,
    series: {
      acked_per_s: onClock(acked, t0Ms, (l) => l.topic === topic),
      stored_per_s: onClock(stored, t0Ms),
      lag: onClock(lag, t0Ms, (l) => l.topic === topic),
      event_to_row_p99_s: onClock(p99, t0Ms),
      dlq_per_s: onClock(dlq, t0Ms),
    },
    alert: alertPoints(alert, t0Ms),
  };
}
