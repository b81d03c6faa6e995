#!/usr/bin/env bun
// One member of lab 09's consumer groups: it reads a topic, validates every record (decodeTransaction:
// a bad one is counted by its reason, with a first example, never skipped unseen), commits after each
// batch of `--batch` records, and tells its parent over IPC what it did and when: every batch it
// finished (partition, records, offsets, times), every assignment and rebalance it went through, and
// samples of end-to-end latency (now − the record's timestamp, which means something on a live stream).
// With `--paused` it joins the group but fetches nothing until its parent sends `go`: a sweep point then
// times a settled group, not the rebalances of members arriving one by one. Its brokers: `--brokers`, or
// KAFKA_BROKERS as everywhere (lib/config.ts), so it can point at a lab-owned cluster.
//   bun lib/scale/consumer-main.ts --topic t --group g [--brokers h:p,...] [--batch 500] [--paused]
import { logLevel } from 'kafkajs';
import { z } from 'zod';
import { announceReady, toParent } from '../child.ts';
import { config } from '../config.ts';
import { count, parseFlags } from '../flags.ts';
import { createKafka, groupConsumerConfig } from '../kafka.ts';
import { runLab } from '../lab.ts';
import { thin } from '../percentiles.ts';
import { type DecodeFailure, decodeTransaction } from '../schema.ts';

const name = z.string().regex(/^[\w.-]{1,200}$/, 'expected letters, digits, . _ -');
const flags = {
  name: 'bun lib/scale/consumer-main.ts',
  summary: 'A consumer-group member that validates, commits per batch and reports its progress (lab 09).',
  shape: {
    topic: name,
    group: name,
    brokers: z
      .string()
      .regex(/^[\w.-]+:\d{1,5}(,[\w.-]+:\d{1,5})*$/, 'expected host:port[,host:port…]')
      .optional(),
    batch: count().pipe(z.number().min(1).max(100_000)).default(500),
    sessionTimeout: count().pipe(z.number().min(1_000).max(300_000)).default(10_000),
    heartbeat: count().pipe(z.number().min(100).max(60_000)).default(1_000),
    reportMs: count().pipe(z.number().min(10).max(10_000)).default(100),
    paused: z.boolean().default(false),
  },
  help: {
    topic: 'the topic to read',
    group: 'the consumer group to join',
    brokers: 'bootstrap brokers (default: KAFKA_BROKERS, or the embedded broker)',
    batch: 'records per commit: a fetched batch is validated and committed in chunks of this many',
    sessionTimeout: 'ms without a heartbeat before the group coordinator drops this member',
    heartbeat: 'ms between heartbeats (a rebalance is noticed at the next one)',
    reportMs: 'ms between progress reports to the parent',
    paused: 'join the group but fetch nothing until the parent sends { type: "go" }',
  },
};

/** One chunk validated and committed: times are epoch ms (Date.now()), comparable across processes. */
export type BatchReport = {
  partition: number;
  records: number;
  bad: number;
  first_offset: number;
  last_offset: number;
  /** when its records were handed to this process (the fetched batch's arrival) */
  fetched_at: number;
  /** when its offset commit returned */
  at: number;
};

export type ScaleIpcMessage =
  /** about to join: consumer.run() is called */
  | { type: 'joining'; at: number }
  /** a join and sync completed: the partitions it now holds (eager protocol: all others were revoked) */
  | { type: 'assigned'; at: number; partitions: number[]; join_ms: number }
  /** it learned that the group rebalances: it stops fetching and gives up every partition it holds */
  | { type: 'rebalancing'; at: number }
  | {
      type: 'report';
      batches: BatchReport[];
      /** [epoch ms when processed, end-to-end ms], evenly thinned to at most 200 per report */
      latency: [number, number][];
      /** cumulative, by reason, with the first example of each */
      bad: Partial<Record<DecodeFailure, { count: number; example: string }>>;
    }
  /** SIGTERM received: it is leaving the group */
  | { type: 'leaving'; at: number }
  /** it left the group (LeaveGroup sent, connection closed) */
  | { type: 'left'; at: number };

/** Parent → child. */
export type ScaleCommand = { type: 'go' };

await runLab('scale-consumer', async ({ signal }) => {
  const a = parseFlags(flags);
  const say = (line: string) => console.error(line);
  const brokers = a.brokers?.split(',') ?? config().kafka.brokers;
  const kafka = createKafka(`txlab-scale-${process.pid}`, config(), { brokers, logLevel: logLevel.WARN });
  const consumer = kafka.consumer({
    ...groupConsumerConfig(a.group),
    sessionTimeout: a.sessionTimeout,
    heartbeatInterval: a.heartbeat,
  });
  const me = `${a.group}/${process.pid}`;

  let batches: BatchReport[] = [];
  let latency: [number, number][] = [];
  const bad: Partial<Record<DecodeFailure, { count: number; example: string }>> = {};
  const flush = () => {
    if (batches.length === 0 && latency.length === 0) return Promise.resolve();
    const m: ScaleIpcMessage = { type: 'report', batches, latency: thin(latency, 200), bad };
    batches = [];
    latency = [];
    return toParent(m);
  };
  const reporter = setInterval(() => void flush(), a.reportMs);

  // Paused until go: kafkajs restarts a consumer that crashed on a retriable error (a topic a new cluster
  // has not fully led yet) with fresh state, and the pause is lost; every join, the first after a restart
  // too, comes before any fetch, so pausing there holds until go
  let released = !a.paused;
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    if (!released) consumer.pause([{ topic: a.topic }]);
    const partitions = [...(e.payload.memberAssignment[a.topic] ?? [])].sort((x, y) => x - y);
    say(`${me}: joined: partitions ${partitions.join(',') || 'none'} of ${a.topic} (${e.payload.duration} ms)`);
    void toParent({
      type: 'assigned',
      at: Date.now(),
      partitions,
      join_ms: e.payload.duration,
    } satisfies ScaleIpcMessage);
  });
  consumer.on(consumer.events.REBALANCING, () => void toParent({ type: 'rebalancing', at: Date.now() }));
  consumer.on(consumer.events.CRASH, (e) => say(`${me}: consumer crashed: ${e.payload.error.message}`));
  signal.addEventListener('abort', () => void toParent({ type: 'leaving', at: Date.now() }), { once: true });

  try {
    await consumer.connect();
    await consumer.subscribe({ topic: a.topic, fromBeginning: true });
    await announceReady(`${me}: ready (batch ${a.batch}${a.paused ? ', paused until go' : ''})`);
    await toParent({ type: 'joining', at: Date.now() } satisfies ScaleIpcMessage);
    const running = consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        const fetched_at = Date.now();
        for (let i = 0; i < batch.messages.length; i += a.batch) {
          if (!isRunning() || isStale() || signal.aborted) return;
          const chunk = batch.messages.slice(i, i + a.batch);
          let wrong = 0;
          for (const m of chunk) {
            const r = decodeTransaction(m.value);
            if (r.ok) continue;
            wrong++;
            const b = (bad[r.reason] ??= {
              count: 0,
              example: `${a.topic}[${batch.partition}] @ ${m.offset}: ${r.message}`.slice(0, 300),
            });
            b.count++;
          }
          const now = Date.now();
          for (const m of chunk) latency.push([now, now - Number(m.timestamp)]);
          const last = chunk[chunk.length - 1]!.offset;
          const next = (BigInt(last) + 1n).toString();
          await commitOffsetsIfNecessary({
            topics: [{ topic: a.topic, partitions: [{ partition: batch.partition, offset: next }] }],
          });
          resolveOffset(last);
          batches.push({
            partition: batch.partition,
            records: chunk.length,
            bad: wrong,
            first_offset: Number(chunk[0]!.offset),
            last_offset: Number(last),
            fetched_at,
            at: Date.now(),
          });
          await heartbeat();
        }
      },
    });
    // run() has created the group member synchronously: pausing now means no fetch ever happens before go
    if (a.paused) {
      consumer.pause([{ topic: a.topic }]);
      process.on('message', (m: ScaleCommand) => {
        if (m?.type !== 'go') return;
        say(`${me}: go`);
        released = true;
        consumer.resume([{ topic: a.topic }]);
      });
    }
    await running;
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    clearInterval(reporter);
    await consumer.disconnect().catch((e) => say(`${me}: consumer disconnect: ${(e as Error).message}`));
    await flush();
    await toParent({ type: 'left', at: Date.now() } satisfies ScaleIpcMessage);
    const n = Object.entries(bad).map(([reason, b]) => `${b!.count} ${reason}`);
    say(`${me}: stopped${n.length ? `; bad records: ${n.join(', ')}` : ''}`);
  }
});
