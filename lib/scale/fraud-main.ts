#!/usr/bin/env bun
// The fraud consumer (lib/fraud/consumer.ts: the rules in the stream, a review workflow per risky
// transaction) as a process of its own, so lab 09's ceiling can read its CPU apart from the producer's
// (lab 05 runs it inside the lab). It joins the fraud group, reports its counters to a parent over IPC
// every half second, and on SIGINT/SIGTERM leaves the group, waits up to --drain seconds for the reviews
// it started (a worker must still run), and terminates those still open, so no review outlives the run.
//   bun lib/scale/fraud-main.ts [--hold-timeout 2] [--max-in-flight 256] [--drain 10]
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { announceReady, toParent } from '../child.ts';
import { config } from '../config.ts';
import { count, number, parseFlags } from '../flags.ts';
import { type ConsumerStats, runFraudConsumer } from '../fraud/consumer.ts';
import { RiskEngine, engineOptions } from '../fraud/detect/engine.ts';
import { policyFrom } from '../fraud/detect/policy.ts';
import { tuning } from '../fraud/detect/thresholds.ts';
import { connectClient } from '../fraud/review/client.ts';
import { type LaunchStats, ReviewLauncher } from '../fraud/review/launcher.ts';
import { createKafka, groupConsumerConfig } from '../kafka.ts';
import { runLab } from '../lab.ts';
import { serveMetrics } from '../metrics.ts';

const c = config();
const flags = {
  name: 'bun lib/scale/fraud-main.ts',
  summary: 'The fraud rules and their reviews, as one member of the fraud consumer group.',
  shape: {
    holdTimeout: number().pipe(z.number().positive().max(3_600)).default(2),
    maxInFlight: count().pipe(z.number().min(1).max(10_000)).default(256),
    drain: number().pipe(z.number().min(0).max(600)).default(10),
  },
  help: {
    holdTimeout: 'seconds a held review waits for an analyst before it declines',
    maxInFlight: 'review workflows open at once (the consumer waits for a free slot)',
    drain: 'seconds to wait for open reviews when stopping, before terminating them',
  },
};

export type FraudIpcMessage =
  | { type: 'joined'; partitions: number[] }
  | {
      type: 'stats';
      final: boolean;
      consumer: ConsumerStats;
      /** `submit_ms`: time the consumer spent in submit (waiting for a slot and starting the workflow) */
      reviews: LaunchStats & { terminated: number; submit_ms: number };
    };

await runLab('fraud', async ({ signal }) => {
  const args = parseFlags(flags);
  const say = (line: string) => console.error(`fraud: ${line}`);
  const tune = tuning({ holdTimeoutMs: Math.round(args.holdTimeout * 1000), maxInFlight: args.maxInFlight });
  const metrics = await serveMetrics({ job: 'fraud', instance: `fraud/${process.pid}` });
  const kafka = createKafka('txlab-fraud');
  const consumer = kafka.consumer(groupConsumerConfig(c.fraud.group));
  let counted: ConsumerStats = { consumed: 0, invalid: 0, risky: 0, stale: 0, reviewed: 0, dropped_on_rebalance: 0 };
  let terminated = 0;
  let submitMs = 0;
  let launcher: ReviewLauncher | undefined;
  let client: Client | undefined;
  const report = (final: boolean) =>
    toParent({
      type: 'stats',
      final,
      consumer: { ...counted },
      reviews: { ...(launcher?.stats ?? emptyLaunch()), terminated, submit_ms: submitMs },
    } satisfies FraudIpcMessage);
  const ticker = setInterval(() => void report(false), 500);
  try {
    client = await connectClient(c);
    launcher = new ReviewLauncher(client, {
      taskQueue: c.fraud.taskQueue,
      workflowPrefix: c.fraud.workflowPrefix,
      maxInFlight: tune.maxInFlight,
      slotTimeoutMs: tune.holdTimeoutMs + 60_000,
    });
    await consumer.connect();
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      const mine = [...(e.payload.memberAssignment[c.topics.transactions] ?? [])].sort((a, b) => a - b);
      say(`joined group ${c.fraud.group}: partitions ${mine.join(',') || 'none'} of ${c.topics.transactions}`);
      void toParent({ type: 'joined', partitions: mine } satisfies FraudIpcMessage);
    });
    await announceReady(`fraud: ready to join group ${c.fraud.group}`, { metricsPort: metrics.port });
    const reviews = launcher;
    counted = await runFraudConsumer({
      consumer,
      topic: c.topics.transactions,
      engine: new RiskEngine(engineOptions(tune)),
      // the consumer reads its partitions one message at a time: the time a start takes is time it does not read
      launcher: {
        async submit(input, opts) {
          const t = performance.now();
          try {
            return await reviews.submit(input, opts);
          } finally {
            submitMs += performance.now() - t;
          }
        },
      },
      policy: policyFrom(tune),
      maxEventAgeMs: tune.maxEventAgeMs,
      signal,
    });
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    clearInterval(ticker);
    await consumer.disconnect().catch((e) => say(`consumer disconnect: ${(e as Error).message}`));
    if (launcher && client) {
      const open = await launcher.drain(args.drain * 1000);
      if (open > 0) {
        say(`${open} reviews still open after ${args.drain} s: terminating them`);
        for (const id of launcher.openReviews())
          await client.workflow
            .getHandle(id)
            .terminate('the fraud consumer stopped (lab 09 ceiling)')
            .then(() => terminated++)
            .catch(() => {}); // finished meanwhile
      }
    }
    await report(true);
    await client?.connection.close().catch(() => {});
    await metrics.close();
    say(`stopped: ${counted.consumed} assessed, ${counted.risky} risky, ${counted.reviewed} reviews started`);
  }
});

function emptyLaunch(): LaunchStats {
  return { started: 0, duplicates: 0, completed: 0, failed: 0, inFlight: 0, waits: 0, timedOut: 0 };
}
