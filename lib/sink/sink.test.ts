// The sink end to end on the real broker and database, run as child processes the way lab 03 runs it:
// exactly N rows for N good messages, bad input in the dead-letter topic, redelivery absorbed, a
// SIGKILL mid-run recovered, and two sinks sharing one group.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { RowDataPacket } from 'mysql2/promise';
import type { Config } from '../config.ts';
import { type Db, ensureDatabase, openDb } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { drainTopic } from '../drain.ts';
import { TransactionGenerator } from '../generator/index.ts';
import { createKafka, ensureTopics, withAdmin, withProducer } from '../kafka.ts';
import { PartitionCounts, sendPerPartition } from '../send.ts';
import { seededRng } from '../random.ts';
import { waitUntil } from '../wait.ts';
import { useEngines } from '../testing/engines.ts';
import { isolated } from '../testing/isolation.ts';
import { auditAggregates, auditRows } from './audit.ts';
import { readDlqHeaders } from './dlq.ts';
import {
  type InputMessage,
  amended,
  badMessages,
  good,
  interleave,
  oversizedMessage,
  reusedId,
} from '../fixtures/messages.ts';
import { payloadSha256 } from './rows.ts';
import { waitForCaughtUp } from '../lag.ts';
import { scrapeMetrics, targetsDir } from '../metrics.ts';
import { type SinkProcess, spawnSink } from './process.ts';
import type { WritePath } from './writer.ts';

useEngines('kafka', 'db');

/** A namespace of its own (topic, DLQ, group, database), and N generated transactions to put through it. */
function scenario(
  name: string,
  n: number,
  seed: number,
  tuning: { batch?: number; concurrency?: number; writePath?: WritePath } = {},
  /** topic-level settings of the DLQ topic (e.g. a small max.message.bytes) */
  dlqConfig: Record<string, string> = {},
) {
  const iso = isolated(name, { TRANSACTIONS_PARTITIONS: '4' });
  const c: Config = iso.config;
  const kafka: Kafka = createKafka(`test-${name}`, c);
  const now = Date.now();
  const txs = new TransactionGenerator({ ...c.generator, seed })
    .backfill(n, now - 6 * 3_600_000, now)
    .map((s) => s.event);
  let db: Db | undefined;
  const sinks: SinkProcess[] = [];
  beforeAll(async () => {
    await withAdmin(kafka, (admin) =>
      ensureTopics(admin, [
        { topic: c.topics.transactions, numPartitions: 4 },
        {
          topic: c.topics.dlq,
          numPartitions: 1,
          configEntries: Object.entries(dlqConfig).map(([name, value]) => ({ name, value })),
        },
      ]),
    );
    await ensureDatabase(c.db.url);
    db = await openDb(c.db.url, 2);
    await migrate(db);
  });
  afterAll(async () => {
    await Promise.all(sinks.map((s) => s.kill()));
    await db?.pool.end();
    await iso.cleanup();
  });
  return {
    c,
    txs,
    db: () => db!,
    /** one send() per partition, in requests of at most 2000 messages and ~512 KB (the broker takes ~1 MB) */
    produce: (messages: (InputMessage & { partition?: number })[]) =>
      withProducer(kafka, async (p) => {
        const counts = new PartitionCounts(kafka);
        let slice: InputMessage[] = [];
        let bytes = 0;
        const flush = async () => {
          if (slice.length) await sendPerPartition(p, counts, { topic: c.topics.transactions, messages: slice });
          [slice, bytes] = [[], 0];
        };
        for (const m of messages) {
          if (slice.length === 2000 || (slice.length > 0 && bytes + m.value.length > 512 << 10)) await flush();
          slice.push(m);
          bytes += m.value.length;
        }
        await flush();
      }),
    sink: (id: string, group?: string) => {
      const s = spawnSink({
        id,
        env: iso.env,
        batch: tuning.batch ?? 500,
        concurrency: tuning.concurrency,
        writePath: tuning.writePath,
        group,
      });
      sinks.push(s);
      return s;
    },
    rows: async () => (await auditRows(db!.pool)).rows_total,
    /** waits until the group has committed every offset of the topic: all of it is stored */
    caughtUp: (group = c.sink.group, timeoutMs = 60_000) =>
      withAdmin(kafka, (a) => waitForCaughtUp(a, group, c.topics.transactions, { timeoutMs })),
    kafka,
  };
}

/** A sink process's metrics, read from its /metrics (the port its ready message named). */
async function sinkMetricsOf(sink: SinkProcess) {
  await sink.ready;
  const m = await scrapeMetrics(sink.metricsUrl()!);
  const reason = (r: string) => m.get(`txlab_sink_dead_letters_total{reason="${r}"}`);
  return {
    messages: m.get('txlab_sink_messages_total'),
    rows_stored: m.get('txlab_sink_rows_stored_total'),
    duplicates: m.get('txlab_sink_duplicates_total'),
    dead_letters: {
      oversized: reason('oversized'),
      malformed_json: reason('malformed_json'),
      schema_violation: reason('schema_violation'),
      conflict: reason('conflict'),
    },
    retries: m.get('txlab_sink_retries_total'),
    assigned_partitions: m.get('txlab_sink_assigned_partitions'),
  };
}

describe('a sink', () => {
  const s = scenario('sink', 3000, 11);
  const bad = badMessages(s.txs[0]!, 3);
  const input = interleave(s.txs.map(good), bad, seededRng(5));

  test('stores N good messages as exactly N rows and sends each bad one to the DLQ with its reason', async () => {
    await s.produce(input);
    const sink = s.sink('sink-a');
    await sink.ready;
    await s.caughtUp();
    expect(await auditRows(s.db().pool)).toEqual({ rows_total: 3000, distinct_ids: 3000 });
    expect((await auditAggregates(s.db().pool)).mismatches).toEqual([]);

    const dead: { reason: string; offset: string; value: string }[] = [];
    await drainTopic(s.kafka, s.c.topics.dlq, bad.length, (m) => {
      const h = readDlqHeaders(m.headers);
      expect(h.topic).toBe(s.c.topics.transactions);
      dead.push({ reason: h.reason, offset: h.offset, value: m.value?.toString() ?? '' });
    });
    expect(dead.map((d) => [d.reason, d.value]).sort()).toEqual(bad.map((b) => [b.bad!, b.value]).sort());
    expect(new Set(dead.map((d) => d.offset)).size).toBe(bad.length);

    // its metrics, scraped as Prometheus does, say what the audit and the DLQ say
    const deadByReason = (reason: string) => dead.filter((d) => d.reason === reason).length;
    expect(await sinkMetricsOf(sink)).toEqual({
      messages: 3009,
      rows_stored: (await auditRows(s.db().pool)).rows_total,
      duplicates: 0,
      dead_letters: {
        oversized: deadByReason('oversized'),
        malformed_json: deadByReason('malformed_json'),
        schema_violation: deadByReason('schema_violation'),
        conflict: deadByReason('conflict'),
      },
      retries: 0,
      assigned_partitions: 4,
    });
    const targetFile = join(targetsDir(s.c.stackDir), `sink-${sink.pid}.json`);
    expect(JSON.parse(readFileSync(targetFile, 'utf8'))[0].targets).toEqual([new URL(sink.metricsUrl()!).host]);

    expect(await sink.stop()).toBe(0);
    expect(existsSync(targetFile)).toBe(false); // a clean exit takes its target away
    expect(sink.snapshot()).toMatchObject({
      messages: 3009,
      rows_inserted: 3000,
      duplicates: 0,
      dlq: { malformed_json: 3, schema_violation: 3, oversized: 3 },
      retries: 0,
    });
    expect(sink.lines().join('\n')).toContain(
      'stopped: 3,009 messages, 3,000 rows inserted, 0 duplicates, 9 to the DLQ, 0 retries',
    );
  });

  describe('when the whole topic is delivered again (a new group reads it from the start)', () => {
    test('stores nothing new and leaves the aggregates as they were', async () => {
      const group = `${s.c.sink.group}.again`;
      const sink = s.sink('sink-b', group);
      await s.caughtUp(group);
      expect(await sink.stop()).toBe(0);
      expect(sink.snapshot()).toMatchObject({ rows_inserted: 0, duplicates: 3000 });
      expect(await auditRows(s.db().pool)).toEqual({ rows_total: 3000, distinct_ids: 3000 });
      expect((await auditAggregates(s.db().pool)).mismatches).toEqual([]);
    });
  });
});

// on each write path: a LOAD DATA cut off by the kill must roll back with its transaction like an INSERT
describe.each(['insert', 'load-data'] as const)('a sink killed with SIGKILL mid-run (%s path)', (writePath) => {
  // small transactions, one partition at a time: the run lasts seconds even on a fast machine, so the
  // kill always lands mid-run (asserted below)
  const s = scenario(`kill_${writePath.replace('-', '_')}`, 30_000, 22, { batch: 100, concurrency: 1, writePath });

  test('loses nothing and doubles nothing once restarted', async () => {
    await s.produce(s.txs.map(good));
    const first = s.sink('sink-1');
    const stored = await waitUntil(
      'the first rows',
      async () => {
        const n = await s.rows();
        return n >= 3000 ? n : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    await first.kill();
    const atKill = await s.rows();
    expect(atKill).toBeGreaterThanOrEqual(stored);
    expect(atKill).toBeLessThan(30_000); // it really was mid-run

    s.sink('sink-2');
    await s.caughtUp();
    expect(await auditRows(s.db().pool)).toEqual({ rows_total: 30_000, distinct_ids: 30_000 });
    expect((await auditAggregates(s.db().pool)).mismatches).toEqual([]);
  });
});

describe('two sinks in one group', () => {
  const s = scenario('pair', 20_000, 33);

  test('share the partitions and store the same totals', async () => {
    const [a, b] = [s.sink('sink-a'), s.sink('sink-b')];
    // both members hold partitions before any data arrives
    const split = await waitUntil(
      'both sinks to hold partitions',
      async () => {
        const [pa, pb] = [a.partitions(), b.partitions()];
        return pa.length && pb.length && pa.length + pb.length === 4 ? [pa, pb] : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect([...split[0]!, ...split[1]!].sort()).toEqual([0, 1, 2, 3]);
    await s.produce(s.txs.map(good));
    await s.caughtUp();
    await Promise.all([a.stop(), b.stop()]);
    expect(await auditRows(s.db().pool)).toEqual({ rows_total: 20_000, distinct_ids: 20_000 });
    expect((await auditAggregates(s.db().pool)).mismatches).toEqual([]);
    const [ia, ib] = [a.snapshot()!.rows_inserted, b.snapshot()!.rows_inserted];
    expect(ia + ib).toBe(20_000);
    expect(Math.min(ia, ib)).toBeGreaterThan(0);
  });
});

describe('poison pills on one partition', () => {
  // each bad message is followed by a good one on the same partition: a sink stuck on a bad one stores
  // none of the good ones behind it
  const s = scenario('poison', 401, 66);
  const HUGE = 1_048_400; // the broker took a message this large on the source topic

  test('a ~1 MB message and 400 oversized ones are dead-lettered, and every good event behind them is stored', async () => {
    const bad = [
      oversizedMessage(s.txs[0]!, HUGE),
      ...Array.from({ length: 400 }, (_, i) => oversizedMessage(s.txs[i]!, 5000 + i)),
    ];
    await s.produce(bad.flatMap((b, i) => [b, good(s.txs[i]!)]).map((m) => ({ ...m, partition: 0 })));
    const sink = s.sink('sink-p');
    await s.caughtUp(undefined, 90_000);
    expect(await auditRows(s.db().pool)).toEqual({ rows_total: 401, distinct_ids: 401 });
    expect((await auditAggregates(s.db().pool)).mismatches).toEqual([]);

    const dead: { reason: string; offset: string; bytes: string; sha256: string; valueBytes: number }[] = [];
    await drainTopic(s.kafka, s.c.topics.dlq, bad.length, (m) => {
      const h = readDlqHeaders(m.headers);
      dead.push({
        reason: h.reason,
        offset: h.offset,
        bytes: String(h.bytes),
        sha256: h.sha256,
        valueBytes: m.value?.length ?? 0,
      });
    });
    expect(new Set(dead.map((d) => d.reason))).toEqual(new Set(['oversized']));
    expect(new Set(dead.map((d) => d.offset)).size).toBe(bad.length);
    const huge = dead.find((d) => d.bytes === String(HUGE))!;
    expect(huge.sha256).toBe(new Bun.CryptoHasher('sha256').update(bad[0]!.value).digest('hex'));
    expect(huge.valueBytes).toBeLessThan(64 << 10); // a bounded prefix, not the megabyte
    // a 5 KB message goes whole
    expect(dead.filter((d) => d.valueBytes === Number(d.bytes)).length).toBe(400);

    expect(await sink.stop()).toBe(0);
    expect(sink.snapshot()).toMatchObject({ rows_inserted: 401, dlq: { oversized: 401 }, retries: 0 });
  }, 150_000);
});

describe('deliveries that reuse a transaction id', () => {
  const s = scenario('conflict', 20, 77);

  test('an exact redelivery, even with the id in upper case, is a silent duplicate; another customer or amount is a conflict in the DLQ', async () => {
    const tx = s.txs[0]!;
    await s.produce(s.txs.map(good));
    const sink = s.sink('sink-c');
    await s.caughtUp();

    const upper = {
      key: tx.customer_id,
      value: JSON.stringify({ ...tx, transaction_id: tx.transaction_id.toUpperCase() }),
    };
    const [changed, other] = [amended(tx, 100), reusedId(tx)];
    await s.produce([upper, good(changed), good(other)]);
    await s.caughtUp();

    expect(await auditRows(s.db().pool)).toEqual({ rows_total: 20, distinct_ids: 20 });
    expect((await auditAggregates(s.db().pool)).mismatches).toEqual([]);
    const [stored] = await s
      .db()
      .pool.query<RowDataPacket[]>('SELECT customer_id, amount FROM transactions WHERE transaction_id = ?', [
        tx.transaction_id,
      ]);
    expect(stored.map((r) => ({ customer_id: String(r.customer_id), amount: Number(r.amount) }))).toEqual([
      { customer_id: tx.customer_id, amount: tx.amount },
    ]);

    const dead: { reason: string; value: string; conflict: unknown }[] = [];
    await drainTopic(s.kafka, s.c.topics.dlq, 2, (m) => {
      const h = readDlqHeaders(m.headers);
      dead.push({ reason: h.reason, value: m.value?.toString() ?? '', conflict: h.conflict });
    });
    const stamp = { stored_customer_id: tx.customer_id, stored_payload_sha256: payloadSha256(tx) };
    const expected = [changed, other].map((t) => ({
      reason: 'conflict',
      value: good(t).value,
      conflict: { payload_sha256: payloadSha256(t), ...stamp },
    }));
    // the two came from different partitions (other keys): in either order
    const byValue = (a: { value: string }, b: { value: string }) => a.value.localeCompare(b.value);
    expect(dead.sort(byValue)).toEqual(expected.sort(byValue));
    expect(await sinkMetricsOf(sink)).toMatchObject({
      rows_stored: 20,
      duplicates: 1,
      dead_letters: { conflict: 2, oversized: 0, malformed_json: 0, schema_violation: 0 },
    });

    expect(await sink.stop()).toBe(0);
    expect(sink.snapshot()).toMatchObject({
      messages: 23,
      rows_inserted: 20,
      duplicates: 1,
      dlq: { conflict: 2, oversized: 0, malformed_json: 0, schema_violation: 0 },
    });
  });
});

describe('a dead-letter topic that refuses the records for good', () => {
  // the DLQ topic takes at most 1,000 bytes a batch: the broker answers MESSAGE_TOO_LARGE, which no retry fixes
  const s = scenario('refused', 1, 99, {}, { 'max.message.bytes': '1000' });

  test('stops the sink, naming the broker error, without storing or committing past the chunk', async () => {
    await s.produce([oversizedMessage(s.txs[0]!, 5000), good(s.txs[0]!)]);
    const sink = s.sink('sink-r');
    const code = await Promise.race([sink.exited, Bun.sleep(60_000).then(() => 'still running')]);
    expect(code).toBe(1);
    expect(sink.lines().join('\n')).toMatch(
      /stopping: dead-letter send of 1 from .+\[\d\] @ offset 0: MESSAGE_TOO_LARGE: .+ \(not retriable; offsets not committed past it\)/,
    );
    expect(await s.rows()).toBe(0);
  }, 90_000);
});
