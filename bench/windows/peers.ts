// The peers of `bun run bench windows` (lab 06): other engines computing the same event-time tumbling
// aggregation on the same topic, so our operator (lib/windows) can be compared with them on results
// (which must be equal, exactly) and on speed.
//
// The contract every engine meets:
// - input: a topic of JSON transactions (lib/generator's events, key = customer_id); event time =
//   Date.parse(value.timestamp) (ms); fields used: merchant_category, amount (integer minor units),
//   status ('approved' | 'declined');
// - tumbling windows of `windowMs` aligned to the epoch, [start, end) (an event at `end` is in the next
//   window), keyed by merchant_category; per (window, category): count, sum, min, max of amount,
//   approvedCount, approvedSum, declinedCount, declinedSum, exact integers;
// - grace `graceMs`: each window is emitted once, final, when event time has passed end + grace (Kafka
//   Streams: suppress(untilWindowCloses); Spark: withWatermark + append mode);
// - output: one JSON object per (window, category) on the peer's own topic `${prefix}.windows.<engine>`:
//   {"view":"category_tumbling","key":"retail","start":<ms>,"end":<ms>,"count":..,"sum":..,"min":..,
//    "max":..,"approvedCount":..,"approvedSum":..,"declinedCount":..,"declinedSum":..};
// - end of a finite input: windows close only when event time advances, so the bench appends to every
//   partition, after the events, one flush record per merchant category far in the future
//   (bench/windows/input.ts) when the peer asks for it (PeerInput.flush: Kafka Streams must not see it
//   before every event is through its repartition); only windows with end <= the flush time are
//   compared (compareRows). Each peer run gets a fresh input topic.
//
// Each peer is `run(input, opts) → PeerRun` (types in bench/windows/rows.ts): the rows it wrote, and
// launch → ready (startupMs), → first row (firstResultMs), → last row (wallMs), ready → last row
// (processMs) and input records / processMs (recordsPerS). Times of rows are the broker's append times
// (the output topics use LogAppendTime), so reading them back costs the timings nothing. The engines
// read a topic that is already full: this is catch-up throughput, not end-to-end latency.
//
// Kafka Streams and the grace, measured (bench/windows/try-peers.ts, 200k events over 2000 s of event
// time, disorder 2 s, W 10 s): with G = 60 s it dropped 150k of the 200k records as late and 772 of 800
// rows differed; with G ≥ the span of the input every row was equal. On a topic that is already full,
// its stream threads do not keep the input partitions in step (the repartition topic showed events
// 441 s behind ones already written: one partition read minutes of event time ahead of another), and
// after `groupBy(category)` a window task's stream time is the largest event time any upstream task sent
// it. Smaller fetches (64 KiB, the default here), buffered.records.per.partition=100 and
// max.poll.records=100 did not change that. So a run that must agree across engines on a backlog uses
// G ≥ the input's event-time span (every window then closes at the flush); Spark's watermark is global
// and moves only between micro-batches, so it agrees with any G > B.
//
// Peers: (a) `plainConsumer`, a kafkajs consumer that reads the whole topic and JSON.parses each value,
// the floor any TypeScript consumer pays; (b) Kafka Streams 4.1.1 (bench/windows/kstreams.ts);
// (c) Spark Structured Streaming (bench/windows/spark.ts). Each JVM peer has a `prepare` step (jars,
// compile, venv) that is cached and timed separately, and that the bench runs before any measurement.
import type { Config } from '../../lib/config.ts';
import { createKafka } from '../../lib/kafka.ts';
import { type KafkaStreamsOptions, prepareKafkaStreams, runKafkaStreams } from './kstreams.ts';
import type { PeerInput, PeerOptions, PeerRun } from './rows.ts';
import { type SparkOptions, prepareSpark, runSpark } from './spark.ts';

export * from './rows.ts';

export type Peer = {
  name: string;
  /** installs / resolves / compiles what the peer needs (cached: fast after the first time) */
  prepare(): Promise<{ ms: number; cached: boolean; detail: string }>;
  run(input: PeerInput, opts: PeerOptions): Promise<PeerRun>;
};

/** (a) The floor: a kafkajs consumer reading the whole topic, JSON.parse on each value, and a count. */
export async function plainConsumer(cfg: Config, input: PeerInput, opts: PeerOptions): Promise<PeerRun> {
  const kafka = createKafka('bench-windows-consumer', cfg, { brokers: [input.bootstrap] });
  await input.flush();
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(input.topic).finally(() => admin.disconnect());
  const left = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
  const groupId = `${opts.prefix}.windows-consumer-${crypto.randomUUID().slice(0, 6)}`;
  const launchedAt = Date.now();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  let readyAt = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (!readyAt) readyAt = Date.now();
  });
  let records = 0;
  let amounts = 0;
  let lastAt = launchedAt;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: input.topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`windows: the plain consumer took over ${opts.timeoutMs ?? 600_000} ms`)),
        opts.timeoutMs ?? 600_000,
      );
      if (left.size === 0) resolve();
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              const v = JSON.parse(m.value!.toString()) as { amount: number };
              amounts += v.amount;
              records++;
            }
            const end = left.get(batch.partition);
            if (end !== undefined && Number(batch.lastOffset()) + 1 >= end) left.delete(batch.partition);
            if (left.size === 0) {
              lastAt = Date.now();
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  if (!readyAt) readyAt = launchedAt;
  const processMs = Math.max(1, lastAt - readyAt);
  return {
    engine: 'kafkajs consumer (JSON.parse only)',
    rows: [],
    startupMs: readyAt - launchedAt,
    wallMs: lastAt - launchedAt,
    processMs,
    recordsPerS: (records / processMs) * 1000,
    notes: [`read ${records} records (sum of amounts ${amounts})`],
  };
}

/** The peers, ready to prepare and run. `only` picks some by name ('consumer', 'kstreams', 'spark'). */
export function peers(
  cfg: Config,
  extra: { kstreams?: Partial<KafkaStreamsOptions>; spark?: Partial<SparkOptions> } = {},
): Record<'consumer' | 'kstreams' | 'spark', Peer> {
  let kstreams: Awaited<ReturnType<typeof prepareKafkaStreams>> | undefined;
  let spark: Awaited<ReturnType<typeof prepareSpark>> | undefined;
  return {
    consumer: {
      name: 'kafkajs consumer',
      prepare: async () => ({ ms: 0, cached: true, detail: 'nothing to prepare' }),
      run: (input, opts) => plainConsumer(cfg, input, opts),
    },
    kstreams: {
      name: 'Kafka Streams 4.1.1',
      async prepare() {
        const t0 = performance.now();
        kstreams = await prepareKafkaStreams(cfg);
        return {
          ms: performance.now() - t0,
          cached: kstreams.cached,
          detail: `jars ${Math.round(kstreams.resolveMs)} ms, javac ${Math.round(kstreams.compileMs)} ms`,
        };
      },
      async run(input, opts) {
        kstreams ??= await prepareKafkaStreams(cfg);
        return runKafkaStreams(cfg, kstreams, input, { ...opts, ...extra.kstreams });
      },
    },
    spark: {
      name: 'Spark Structured Streaming',
      async prepare() {
        const t0 = performance.now();
        spark = await prepareSpark(cfg);
        return { ms: performance.now() - t0, cached: spark.cached, detail: spark.detail };
      },
      async run(input, opts) {
        spark ??= await prepareSpark(cfg);
        return runSpark(cfg, spark, input, { ...opts, ...extra.spark });
      },
    },
  };
}
