// Lab 05's history phase: a day of transactions before the live stream. They warm the rules (too old
// to review: they only build each customer's state) and the sink stores them, so that the reviews find
// the customers' records. The phase is done when both readers of `transactions` have them: the fraud
// consumer's rules (counted by the tracker) and the sink group (caught up to the topic's end).
import type { Kafka } from 'kafkajs';
import type { Config } from '../../lib/config.ts';
import type { TransactionGenerator } from '../../lib/generator/index.ts';
import { withAdmin } from '../../lib/kafka.ts';
import { waitForCaughtUp } from '../../lib/lag.ts';
import { DeliveryStats, produceAll } from '../../lib/produce.ts';
import { fmt, progress } from '../../lib/terminal.ts';
import { waitUntil } from '../../lib/wait.ts';
import type { Pipeline } from './pipeline.ts';
import { withFreshId } from './stream.ts';
import type { RunTracker } from './tracker.ts';

const DAY_MS = 86_400_000;

export type WarmUpOptions = {
  config: Config;
  kafka: Kafka;
  tracker: RunTracker;
  /** events of the past day */
  events: number;
  /** the history ends this long (and a minute more) before now: every event in it is too old to review */
  maxEventAgeMs: number;
  signal: AbortSignal;
  timeoutMs?: number;
};

/** Produces the history and waits until the rules and the sink have read it; returns how many Kafka acknowledged. */
export async function warmUp(p: Pipeline, gen: TransactionGenerator, o: WarmUpOptions): Promise<number> {
  const { signal } = o;
  const history = gen.backfill(o.events, Date.now() - DAY_MS, Date.now() - o.maxEventAgeMs - 60_000).map(withFreshId);
  for (const e of history) o.tracker.add(e, false);
  const warm = progress('history');
  const stats = new DeliveryStats();
  await produceAll(p.producer, p.counts, p.topics, history, stats, {
    signal,
    onProgress: () => warm.update(`${fmt(stats.acked)}/${fmt(history.length)} produced`),
  });

  let sinkBehind = stats.acked;
  const show = () =>
    warm.update(
      `${fmt(stats.acked)} produced, ${fmt(o.tracker.historyConsumed)} read by the rules, sink ${fmt(sinkBehind)} behind`,
    );
  const settled = new AbortController(); // one wait failed: stop the other
  const wait = {
    timeoutMs: o.timeoutMs ?? 180_000,
    intervalMs: 500,
    signal: AbortSignal.any([signal, settled.signal]),
  };
  const onSinkLag = (left: number) => {
    sinkBehind = left;
    show();
  };
  const rulesHaveIt = () => {
    show();
    return o.tracker.historyConsumed >= stats.acked;
  };
  try {
    await withAdmin(o.kafka, (admin) =>
      Promise.all([
        waitForCaughtUp(admin, o.config.sink.group, p.topics.transactions, { ...wait, onLag: onSinkLag }),
        waitUntil('the rules to read the history', rulesHaveIt, wait),
      ]),
    );
  } catch (e) {
    if (!signal.aborted) throw e; // stopped by Ctrl-C: the lab goes on to report what it has
  } finally {
    settled.abort();
  }
  warm.done(
    `${fmt(stats.acked)} events of the past day produced, stored by the sink, read by the rules (${fmt(p.consumer.stale)} flagged but too old to review)`,
  );
  return stats.acked;
}
