#!/usr/bin/env bun
// Benchmark: how fast the sink stores transactions, against the database's own bulk load of the same
// rows measured in the same run, and where the time goes.
//
// 1. Generates --rows events (--shape live: time-ordered as a fast live stream makes them; backfill:
//    spread over 7 days, which touches far more aggregate buckets per batch).
// 2. Stage by stage, in this process: decode + validate, SQL text, the writer alone (upsert +
//    aggregates, no Kafka), a kafkajs consumer that only counts, the producer.
// 3. Reference: LOAD DATA LOCAL INFILE of the same rows into the same (partitioned, indexed) table.
// 4. End to end: for each of --sinks (e.g. 1,2) sink processes, a fresh group and database drain the
//    produced topic; rows/s from the rows' own ingested_at (10 % → 90 % for the sustained rate).
// Each measurement also records the CPU seconds of this process, the database server, the broker and the
// sinks (per 1,000 rows) and how busy the whole machine was: what bounds the rate, by measurement.
// Writes data/bench-sink.json. Not a test: numbers depend on the machine and what else runs on it.
import { loadavg } from 'node:os';
import { z } from 'zod';
import type { RowDataPacket } from 'mysql2/promise';
import { config, loadConfig } from '../lib/config.ts';
import { type Db, dropDatabase, ensureDatabase, openDb, withDatabase } from '../lib/db/connect.ts';
import { loadDataInfile } from '../lib/db/load-data.ts';
import { migrate } from '../lib/db/migrate.ts';
import { count, parseFlags } from '../lib/flags.ts';
import { type Scheduled, TransactionGenerator } from '../lib/generator/index.ts';
import { createKafka, ensureTopics, groupConsumerConfig, withAdmin, withProducer } from '../lib/kafka.ts';
import { runLab } from '../lib/lab.ts';
import { PartitionCounts, sendPerPartition } from '../lib/send.ts';
import { fmt, table } from '../lib/terminal.ts';
import { BenchSinkResult } from '../lib/results/bench-sink.ts';
import type { CpuOver } from '../lib/results/cpu.ts';
import { envelope, newRunId, writeResult } from '../lib/results/write.ts';
import { auditRows } from '../lib/sink/audit.ts';
import { chunks, classify, type InMessage } from '../lib/sink/decode.ts';
import { good } from '../lib/fixtures/messages.ts';
import { waitForCaughtUp } from '../lib/lag.ts';
import { spawnSink } from '../lib/sink/process.ts';
import { sqlDatetime } from '../lib/db/literals.ts';
import { type SinkRow, TRANSACTION_COLUMNS, transactionsTsv, upsertTransactionsSql } from '../lib/sink/rows.ts';
import { SINK_TUNING } from '../lib/sink/sink.ts';
import { type WritePath, writeRows } from '../lib/sink/writer.ts';
import { type Watched, startCpuMeter } from '../lib/scale/cpu.ts';
import { engineWatched, ensureStack } from '../lib/stack/index.ts';
import { isolated } from '../lib/testing/isolation.ts';

const c = config();
const flags = {
  name: 'bun bench/sink.bench.ts',
  summary: 'Sink rows/s end to end, against LOAD DATA of the same rows, with a per-stage breakdown.',
  shape: {
    rows: count().pipe(z.number().min(10_000).max(5_000_000)).default(200_000),
    shape: z.enum(['live', 'backfill']).default('live'),
    batch: count().pipe(z.number().min(1).max(20_000)).default(2000),
    concurrency: count().pipe(z.number().min(1).max(16)).default(SINK_TUNING.concurrency),
    sinks: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'expected numbers separated by commas, e.g. 1,2')
      .default('1,2'),
    writePaths: z
      .string()
      .default('load-data,insert')
      .transform((x) => x.split(','))
      .pipe(z.array(z.enum(['load-data', 'insert'])).min(1)),
  },
  help: {
    rows: 'events to store',
    shape: 'live (time-ordered) or backfill (7 days)',
    batch: 'rows per database transaction',
    concurrency: 'partitions each sink writes at once',
    sinks: 'sink process counts to run, e.g. 1,2',
    writePaths: "the sink's write paths to run end to end: load-data, insert, or both",
  },
};

const PARTITIONS = 6;
const rate = (rows: number, ms: number) => ({ rows, seconds: ms / 1000, rows_per_s: ms > 0 ? rows / (ms / 1000) : 0 });
const say = (line: string) => console.log(`bench: ${line}`);

await runLab('bench sink', async () => {
  const args = parseFlags(flags);
  const runId = newRunId('bench');
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;
  const up = await ensureStack({ engines: ['kafka', 'db'], quiet: true });
  // CPU of each measurement: this process, the database server, the broker (each engine the stack started)
  const bench: Watched = { process: 'bench', kind: 'lab', pid: process.pid };
  const engines = engineWatched(up);
  const database = engines.filter((w) => w.kind === 'database');
  // a namespace of its own (TXLAB_PREFIX): the topic, the groups, and a database per measurement
  const iso = isolated('bench_sink', { TRANSACTIONS_PARTITIONS: String(PARTITIONS) });
  const scratch: string[] = [];
  const topic = iso.config.topics.transactions;
  const kafka = createKafka('bench-sink', iso.config);
  try {
    // 1. the rows
    const gen = new TransactionGenerator({ ...c.generator, seed: 9090 });
    const now = Date.now();
    const events: Scheduled[] = [];
    if (args.shape === 'backfill') events.push(...gen.backfill(args.rows, now - 7 * 86_400_000, now));
    else {
      const stream = gen.stream(now - (args.rows / 50_000) * 1000, 50_000);
      for (let i = 0; i < args.rows; i++) events.push(stream.next().value as Scheduled);
    }
    const messages: InMessage[] = events.map((e, i) => ({
      offset: String(i),
      key: Buffer.from(e.event.customer_id),
      value: Buffer.from(good(e.event).value),
      timestamp: String(now),
    }));
    say(
      `${fmt(args.rows)} ${args.shape}-shaped events, ${fmt(Math.round(messages.reduce((s, m) => s + m.value!.length, 0) / messages.length))} bytes each`,
    );

    // 2. stages, one at a time
    let t = performance.now();
    const rows: SinkRow[] = [];
    for (const part of chunks(messages, args.batch)) rows.push(...classify(part, 0).rows);
    const decode = rate(rows.length, performance.now() - t);
    t = performance.now();
    let chars = 0;
    for (const part of chunks(rows, args.batch)) chars += upsertTransactionsSql(part, 1, sqlDatetime(now)).length;
    const sqlText = rate(rows.length, performance.now() - t);
    say(
      `decode + validate ${fmt(Math.round(decode.rows_per_s))}/s; SQL text ${fmt(Math.round(sqlText.rows_per_s))} rows/s (${fmt(Math.round(chars / rows.length))} chars a row)`,
    );

    /** A fresh database under the bench's prefix (`txlab_bench_<tag>_<prefix>`), and the environment that points a sink at it. */
    const fresh = async (tag: string): Promise<{ url: string; db: Db; env: Record<string, string> }> => {
      const env = { ...iso.env, DATABASE_URL: withDatabase(c.db.url, `txlab_bench_${tag}`) };
      const url = loadConfig({ ...process.env, ...env }).db.url;
      scratch.push(url);
      await ensureDatabase(url);
      const db = await openDb(url, args.concurrency + 1);
      await migrate(db);
      return { url, db, env };
    };

    // 3. reference: LOAD DATA of the same rows into the same table
    const ref = await fresh('load');
    const tsv = transactionsTsv(rows, 1, sqlDatetime(now));
    let meter = startCpuMeter([bench, ...database]);
    t = performance.now();
    const loaded = await loadDataInfile(ref.url, 'transactions', TRANSACTION_COLUMNS, tsv);
    const loadData = { ...rate(loaded, performance.now() - t), cpu: meter.end(loaded) };
    await ref.db.pool.end();
    say(
      `LOAD DATA ${fmt(Math.round(loadData.rows_per_s))} rows/s (${fmt(loaded)} rows in ${loadData.seconds.toFixed(1)} s); ${cpuLine(loadData.cpu)}`,
    );

    // the writer alone, on each write path: claims + rows + aggregates, `concurrency` transactions at once, no Kafka
    const writerAlone = async (path: WritePath) => {
      const direct = await fresh(`writer_${path.replace('-', '_')}`);
      let next = 0;
      const meter = startCpuMeter([bench, ...database]);
      const t0 = performance.now();
      const worker = async () => {
        for (;;) {
          const i = next;
          next += args.batch;
          if (i >= rows.length) return;
          await writeRows(direct.db.pool, rows.slice(i, i + args.batch), { path, dialect: direct.db.dialect });
        }
      };
      await Promise.all(Array.from({ length: args.concurrency }, worker));
      const r = { ...rate(rows.length, performance.now() - t0), cpu: meter.end(rows.length) };
      const audit = await auditRows(direct.db.pool);
      await direct.db.pool.end();
      if (audit.rows_total !== rows.length || audit.distinct_ids !== rows.length)
        throw new Error(
          `bench: the ${path} writer stored ${audit.rows_total} rows (${audit.distinct_ids} ids) of ${rows.length}`,
        );
      say(
        `writer, ${path} path (${args.concurrency} at once) ${fmt(Math.round(r.rows_per_s))} rows/s; ${cpuLine(r.cpu)}`,
      );
      return r;
    };
    const writer = await writerAlone('insert');
    const writerLoadData = await writerAlone('load-data');

    // Kafka: produce the topic once, then read it with a consumer that only counts
    await withAdmin(kafka, (admin) => ensureTopics(admin, [{ topic, numPartitions: PARTITIONS }]));
    t = performance.now();
    await withProducer(kafka, async (p) => {
      // one send() per partition (lib/send.ts): a leader change mid-send cannot lose acknowledged records
      const counts = new PartitionCounts(kafka);
      const inflight = new Set<Promise<unknown>>();
      for (const part of chunks(events, 5000)) {
        const s = sendPerPartition(p, counts, { topic, acks: -1, messages: part.map((e) => good(e.event)) }).finally(
          () => inflight.delete(s),
        );
        inflight.add(s);
        if (inflight.size >= 4) await Promise.race(inflight);
      }
      await Promise.all(inflight);
    });
    const produce = rate(events.length, performance.now() - t);
    const consume = await consumeOnly(topic, events.length);
    say(
      `Kafka produce ${fmt(Math.round(produce.rows_per_s))} msgs/s; consume only ${fmt(Math.round(consume.rows_per_s))} msgs/s`,
    );

    // 4. end to end: sink processes drain the topic into a fresh database
    const runs: BenchSinkResult['sinks'] = [];
    const plan = args.writePaths.flatMap((path) => args.sinks.split(',').map((k) => ({ path, k: Number(k) })));
    for (const { path: writePath, k } of plan) {
      const tag = `e2e${k}_${writePath.replace('-', '_')}`;
      const target = await fresh(tag);
      const group = `${iso.config.sink.group}.${tag}`;
      const sinks = Array.from({ length: k }, (_, i) =>
        spawnSink({
          id: `bench-sink-${i + 1}`,
          env: target.env,
          group,
          batch: args.batch,
          concurrency: args.concurrency,
          writePath,
          onLine: (l) => /failed|error/i.test(l) && console.error(l),
        }),
      );
      await Promise.all(sinks.map((s) => s.ready));
      meter = startCpuMeter([
        bench,
        ...engines,
        ...sinks.map((s, i): Watched => ({ process: `sink-${i + 1}`, kind: 'consumer', pid: s.pid })),
      ]);
      await withAdmin(kafka, async (admin) => {
        await ensureTopics(admin, [{ topic: iso.config.topics.dlq, numPartitions: 1 }]);
        await waitForCaughtUp(admin, group, topic, { timeoutMs: 600_000, intervalMs: 250 });
      });
      const cpu = meter.end(events.length);
      await Promise.all(sinks.map((s) => s.stop()));
      const timing = await ingestTiming(target.db, events.length);
      const audit = await auditRows(target.db.pool);
      await target.db.pool.end();
      runs.push({
        sinks: k,
        write_path: writePath,
        ...timing,
        ratio_to_load_data: timing.sustained.rows_per_s / loadData.rows_per_s,
        rows_stored: audit.rows_total,
        distinct_ids: audit.distinct_ids,
        cpu,
      });
      say(
        `${k} sink${k > 1 ? 's' : ''} (${writePath}): ${fmt(Math.round(timing.sustained.rows_per_s))} rows/s sustained, ${fmt(Math.round(timing.overall.rows_per_s))} overall; ${fmt(audit.rows_total)} rows, ${fmt(audit.distinct_ids)} distinct; ${cpuLine(cpu)}`,
      );
    }

    console.log(
      table(
        [
          {
            path: 'LOAD DATA LOCAL INFILE (reference)',
            'rows/s': Math.round(loadData.rows_per_s),
            'vs reference': '1.00',
          },
          {
            path: 'decode + validate (1 core)',
            'rows/s': Math.round(decode.rows_per_s),
            'vs reference': (decode.rows_per_s / loadData.rows_per_s).toFixed(2),
          },
          {
            path: 'SQL text (1 core)',
            'rows/s': Math.round(sqlText.rows_per_s),
            'vs reference': (sqlText.rows_per_s / loadData.rows_per_s).toFixed(2),
          },
          {
            path: `writer alone, INSERT path, ${args.concurrency} at once`,
            'rows/s': Math.round(writer.rows_per_s),
            'vs reference': (writer.rows_per_s / loadData.rows_per_s).toFixed(2),
          },
          {
            path: `writer alone, LOAD DATA path, ${args.concurrency} at once`,
            'rows/s': Math.round(writerLoadData.rows_per_s),
            'vs reference': (writerLoadData.rows_per_s / loadData.rows_per_s).toFixed(2),
          },
          {
            path: 'kafkajs consume only',
            'rows/s': Math.round(consume.rows_per_s),
            'vs reference': (consume.rows_per_s / loadData.rows_per_s).toFixed(2),
          },
          ...runs.map((r) => ({
            path: `sink end to end, ${r.write_path}, ${r.sinks} process${r.sinks > 1 ? 'es' : ''} (sustained)`,
            'rows/s': Math.round(r.sustained.rows_per_s),
            'vs reference': r.ratio_to_load_data.toFixed(2),
          })),
        ],
        `\nSink vs bulk load, ${fmt(args.rows)} ${args.shape}-shaped rows, batch ${args.batch} (load average ${loadAtStart.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${navigator.hardwareConcurrency} cores)`,
      ),
    );
    const path = writeResult(BenchSinkResult, {
      ...envelope('bench-sink', runId, startedAt),
      parameters: {
        rows: args.rows,
        shape: args.shape,
        batch_rows: args.batch,
        concurrency: args.concurrency,
        partitions: PARTITIONS,
        database: ref.db.server,
        load_average: { start: loadAtStart, end: loadavg()[0]! },
      },
      reference: { load_data: loadData },
      stages: {
        decode_validate: decode,
        sql_text: sqlText,
        writer,
        writer_load_data: writerLoadData,
        kafka_consume: consume,
        kafka_produce: produce,
      },
      sinks: runs,
    });
    say(`wrote ${path}`);
  } finally {
    for (const url of scratch) await dropDatabase(url).catch(() => {});
    await iso.cleanup();
  }
});

/** A consumer with the sink's fetch settings that only counts messages. */
async function consumeOnly(topic: string, expected: number) {
  const consumer = createKafka('bench-consume').consumer(groupConsumerConfig(`${topic}.consume-only`));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let n = 0;
  let t0 = 0;
  try {
    const ms = await new Promise<number>((resolve) => {
      void consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: 2,
        eachBatch: async ({ batch }) => {
          t0 ||= performance.now();
          n += batch.messages.length;
          if (n >= expected) resolve(performance.now() - t0);
        },
      });
    });
    return rate(n, ms);
  } finally {
    await consumer.disconnect();
  }
}

/** When the rows arrived, from their own ingested_at: first → last, and 10 % → 90 %. */
async function ingestTiming(db: Db, n: number) {
  const at = async (k: number) => {
    const [r] = await db.pool.query<RowDataPacket[]>(
      `SELECT ingested_at FROM transactions ORDER BY ingested_at LIMIT 1 OFFSET ${Math.max(0, Math.min(n - 1, k))}`,
    );
    return Date.parse(`${String(r[0]!.ingested_at).replace(' ', 'T')}Z`);
  };
  const [first, p10, p90, last] = await Promise.all([
    at(0),
    at(Math.floor(n * 0.1)),
    at(Math.floor(n * 0.9)),
    at(n - 1),
  ]);
  return { overall: rate(n, last - first), sustained: rate(Math.floor(n * 0.9) - Math.floor(n * 0.1), p90 - p10) };
}

/** "CPU-s per 1,000 rows: bench 0.004, database 0.023, kafka 0.005, sink-1 0.032; machine 84 % busy over 7.8 s" */
function cpuLine(m: CpuOver): string {
  const per = m.cpu.map((c) => `${c.process} ${c.per_1000_events.toFixed(3)}`).join(', ');
  return `CPU-s per 1,000 rows: ${per}; machine ${Math.round(m.machine.busy_share * 100)} % busy over ${m.machine.wall_s.toFixed(1)} s`;
}
