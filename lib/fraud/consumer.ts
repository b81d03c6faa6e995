// The fraud consumer: a Kafka consumer group on `transactions` that runs every event through the
// rules and starts a review for each risky one that is recent enough to still matter. Its offset is
// committed only once the review has started (Temporal has it durably), so a crash redelivers at most
// a batch, whose reviews then turn out to exist already. Reviews start concurrently, up to the launcher's
// slots; offsets resolve in order. Events older than `maxEventAgeMs`
// (a replay, a backlog from yesterday) only warm the rules' state: nobody reviews last week's coffee.
// It counts what it does in `ConsumerStats` and in the process's metrics (metrics.ts).
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { decodeTransaction, type Transaction } from '../schema.ts';
import type { Assessment, RiskEngine } from './detect/engine.ts';
import { fraudMetrics } from './metrics.ts';
import type { StartResult } from './review/client.ts';
import type { ReviewLauncher } from './review/launcher.ts';
import { reviewInput } from './detect/policy.ts';
import type { Policy } from './review/schemas.ts';

export type ConsumerStats = {
  consumed: number;
  /** not a valid transaction: skipped here (the sink dead-letters it) and counted */
  invalid: number;
  risky: number;
  /** risky but older than maxEventAgeMs: state only, no review */
  stale: number;
  reviewed: number;
  /** customers dropped because their partition moved to another consumer */
  dropped_on_rebalance: number;
};

export type FraudConsumerOptions = {
  consumer: Consumer;
  topic: string;
  engine: RiskEngine;
  launcher: Pick<ReviewLauncher, 'submit'>;
  policy: Policy;
  maxEventAgeMs: number;
  fromBeginning?: boolean;
  /** every assessed event, risky or not (the lab scores against ground truth with it) */
  onAssessed?: (tx: Transaction, a: Assessment, reviewed: boolean) => void;
  signal?: AbortSignal;
  now?: () => number;
};

/** messages in hand before their reviews are awaited and their offsets resolved */
const SETTLE_EVERY = 200;
/** partitions whose batches are in hand at once (kafkajs partitionsConsumedConcurrently) */
const PARTITIONS_AT_ONCE = 6;

type Pending = {
  offset: string;
  /** a valid transaction and what the rules said (absent for an invalid message) */
  assessed?: { tx: Transaction; a: Assessment };
  /** the review's start, when the rules asked for one */
  start?: Promise<{ ok: true; value: StartResult | undefined } | { ok: false; error: Error }>;
};

/** Subscribes and starts consuming; resolves once running. Stop with `consumer.disconnect()`. */
export async function runFraudConsumer(o: FraudConsumerOptions): Promise<ConsumerStats> {
  const stats: ConsumerStats = { consumed: 0, invalid: 0, risky: 0, stale: 0, reviewed: 0, dropped_on_rebalance: 0 };
  const now = o.now ?? Date.now;
  o.consumer.on(o.consumer.events.GROUP_JOIN, ({ payload }) => {
    const assigned = new Set(payload.memberAssignment[o.topic] ?? []);
    stats.dropped_on_rebalance += o.engine.customers.keepPartitions(assigned);
  });
  await o.consumer.subscribe({ topic: o.topic, fromBeginning: o.fromBeginning ?? false });
  await o.consumer.run({
    // a batch waits for its reviews' starts (below): other partitions' batches go on meanwhile, or the
    // whole consumer reads at one start latency per risky event. The rules are synchronous, one event at
    // a time, and a customer's events are all in one partition: interleaved batches cannot race.
    partitionsConsumedConcurrently: PARTITIONS_AT_ONCE,
    autoCommit: true,
    eachBatchAutoResolve: false,
    eachBatch: async ({
      batch,
      resolveOffset,
      heartbeat,
      isRunning,
      isStale,
      commitOffsetsIfNecessary,
    }: EachBatchPayload) => {
      // The rules run in order, one event at a time; the reviews they ask for start concurrently (a start
      // is a round trip to Temporal, ~0.1–0.3 s: one after another they capped reviews at a few per second,
      // lab 09's ceiling), each taking a slot of the launcher. Offsets resolve in order, each once every
      // review up to it has started; a submit that got no slot stops the batch there, and what follows it
      // is read again (the rules recognise a redelivered event; Temporal, a review already started).
      const pending: Pending[] = [];
      const settle = async (): Promise<boolean> => {
        for (const p of pending.splice(0)) {
          let reviewed = false;
          if (p.start) {
            const outcome = await p.start;
            if (!outcome.ok) {
              pending.length = 0;
              throw outcome.error;
            }
            // no slot (stopping, the launcher closed, or the wait timed out): leave the offset unresolved
            if (outcome.value === undefined) {
              pending.length = 0;
              return false;
            }
            reviewed = true;
            stats.reviewed++;
            fraudMetrics.reviewsStarted.inc();
          }
          if (p.assessed) o.onAssessed?.(p.assessed.tx, p.assessed.a, reviewed);
          resolveOffset(p.offset);
        }
        await heartbeat();
        return true;
      };
      let go = true;
      for (const m of batch.messages) {
        if (!isRunning() || isStale() || o.signal?.aborted) break;
        stats.consumed++;
        const decoded = decodeTransaction(m.value);
        if (!decoded.ok) {
          // counted and skipped, not dead-lettered again: the sink group reads the same topic and sends
          // each bad message to the DLQ once, with its reason (lab 03)
          stats.invalid++;
          fraudMetrics.invalid.inc();
          pending.push({ offset: m.offset });
          continue;
        }
        const tx = decoded.value;
        const a = o.engine.assess(tx, batch.partition);
        fraudMetrics.assessed.inc();
        let start: Pending['start'];
        if (a.risky) {
          stats.risky++;
          fraudMetrics.risky.inc();
          if (now() - Date.parse(tx.timestamp) > o.maxEventAgeMs) {
            stats.stale++;
            fraudMetrics.stale.inc();
          } else
            start = o.launcher
              .submit(reviewInput(tx, a, o.policy, new Date(now())), {
                whileWaiting: heartbeat,
                signal: o.signal,
                stopping: () => !isRunning() || isStale(),
              })
              .then(
                (value) => ({ ok: true as const, value }),
                (error: Error) => ({ ok: false as const, error }),
              );
        }
        pending.push({ offset: m.offset, assessed: { tx, a }, start });
        // settle now and then, so a long batch heartbeats and commits as it goes
        if (pending.length >= SETTLE_EVERY && !(go = await settle())) break;
      }
      if (go && pending.length > 0) go = await settle();
      pending.length = 0;
      await commitOffsetsIfNecessary();
    },
  });
  return stats;
}
