// Check of exercise 03-2: 3,000 seeded transactions as a partition's log of 3,001 messages (one producer
// retry stored twice), written with your writeChunk into a MariaDB database of the check's own the way
// an at-least-once consumer delivers them: chunks committed, a chunk lost to a crash before its COMMIT,
// a replay from the last committed offset in other chunk sizes, and the whole log once more. Every row
// must be stored once with the batch that first wrote it, every write must return exactly its new rows,
// and the three aggregate tables must equal the input's own totals, to the unit.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { config } from '../../lib/config.ts';
import { dropDatabase, ensureDatabase, openDb, withDatabase } from '../../lib/db/connect.ts';
import { sqlDatetime } from '../../lib/db/literals.ts';
import { migrate } from '../../lib/db/migrate.ts';
import { type CheckResult, compareKeyed, defineExercise } from '../../lib/exercises/define.ts';
import { TransactionGenerator } from '../../lib/generator/index.ts';
import type { Transaction } from '../../lib/schema.ts';
import {
  AGGREGATE_TABLES,
  type AggregateTable,
  aggregateRowKey,
  aggregateTableSql,
  hourBucket,
  minuteBucket,
} from '../../lib/sink/aggregates.ts';
import type { SinkRow } from '../../lib/sink/rows.ts';

type Impl = typeof import('./solution.ts');

const T0 = Date.parse('2026-01-15T10:00:00.000Z');
const EVENTS = 3_000;
/** the producer retry: the message at this offset is the same event as the one before it */
const RETRY_AT = 2_401;

/** One delivery of the log: from `from` to `to` (exclusive) in chunks of `chunk`; `crash` dies before the COMMIT. */
type Delivery = { what: string; from: number; to: number; chunk: number; crash?: boolean };

export default defineExercise<Impl>({
  id: '03-2-idempotent-writes',
  title: 'Idempotent writes: a redelivered batch changes nothing',
  teaches:
    'why an upsert makes rows idempotent but not the aggregates beside them, and how a write learns inside its own transaction which rows it inserted',
  minutes: 25,
  engines: ['db'],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ writeChunk }): Promise<CheckResult> {
    // the input: a partition's log, offsets 0..3000, one producer retry among them
    const gen = new TransactionGenerator({
      seed: 32,
      customerCount: 300,
      merchantCount: 20,
      fraudRate: 0,
      declinedRate: 0.05,
      peakFactor: 1,
    });
    const events = [...gen.stream(T0, 0.5, { maxEvents: EVENTS })].map((s) => s.event);
    const logTx = [...events.slice(0, RETRY_AT), events[RETRY_AT - 1]!, ...events.slice(RETRY_AT)];
    const log: SinkRow[] = logTx.map((tx, offset) => ({
      tx,
      origin: { partition: 0, offset: String(offset), timestampMs: Date.parse(tx.timestamp) + 50 },
    }));
    const deliveries: Delivery[] = [
      { what: 'first delivery, committed', from: 0, to: 2_000, chunk: 500 },
      { what: 'crash before COMMIT', from: 2_000, to: 2_500, chunk: 500, crash: true },
      { what: 'replay from the last committed offset', from: 1_500, to: log.length, chunk: 700 },
      { what: 'the whole log again', from: 0, to: log.length, chunk: 1_000 },
    ];

    // what each write must insert, and which write stores each row: the first committed one to carry it
    const firstBatch = new Map<string, number>();
    const plan: { delivery: Delivery; batchId: number; rows: SinkRow[]; expectNew: number }[] = [];
    let batchId = 0;
    for (const d of deliveries)
      for (let i = d.from; i < d.to; i += d.chunk) {
        const rows = log.slice(i, Math.min(i + d.chunk, d.to));
        batchId++;
        let expectNew = 0;
        for (const r of rows)
          if (!firstBatch.has(r.tx.transaction_id) && !d.crash) {
            firstBatch.set(r.tx.transaction_id, batchId);
            expectNew++;
          }
        if (d.crash) expectNew = new Set(rows.map((r) => r.tx.transaction_id)).size; // before the crash
        plan.push({ delivery: d, batchId, rows, expectNew });
      }

    const url = withDatabase(config().db.url, `txlab_ex032_${crypto.randomUUID().replaceAll('-', '').slice(0, 8)}`);
    await ensureDatabase(url);
    const db = await openDb(url, 2);
    try {
      await migrate(db);
      const lines: string[] = [];
      let ok = true;
      for (const d of deliveries) {
        const writes = plan.filter((p) => p.delivery === d);
        const got: number[] = [];
        for (const w of writes) {
          const conn = await db.pool.getConnection();
          let fresh: SinkRow[];
          try {
            await conn.query('BEGIN');
            fresh = await writeChunk(conn, w.rows, w.batchId, sqlDatetime(T0 + 3_600_000 * 3 + w.batchId * 1000));
          } catch (e) {
            conn.destroy();
            throw e;
          }
          if (d.crash)
            conn.destroy(); // the process dies: no COMMIT, the server rolls the transaction back
          else {
            await conn.query('COMMIT');
            conn.release();
          }
          got.push(fresh.length);
        }
        const want = writes.map((w) => w.expectNew);
        const same = want.join() === got.join();
        ok &&= same;
        lines.push(
          `${d.what} (offsets ${d.from}–${d.to - 1}, chunks of ${d.chunk}): new rows per write expected ${want.join(', ')}, ` +
            `returned ${got.join(', ')}${same ? '' : '  ← differs'}`,
        );
      }

      // the rows: each id once, from the write that first stored it
      const expectedRows = new Map(
        events.map((tx) => [
          tx.transaction_id,
          { customer: tx.customer_id, amount: tx.amount, batch: firstBatch.get(tx.transaction_id)! },
        ]),
      );
      const [stored] = await db.pool.query<RowDataPacket[]>(
        'SELECT transaction_id, customer_id, amount, ingest_batch FROM transactions',
      );
      const gotRows = new Map<string, { customer: string; amount: number; batch: number }>();
      const twice: string[] = [];
      for (const r of stored) {
        const id = String(r.transaction_id);
        if (gotRows.has(id)) twice.push(id);
        gotRows.set(id, { customer: String(r.customer_id), amount: Number(r.amount), batch: Number(r.ingest_batch) });
      }
      const rows = compareKeyed(expectedRows, gotRows, (x) => `${x.customer} ${x.amount} in batch ${x.batch}`);
      ok &&= rows.ok && twice.length === 0 && stored.length === EVENTS;
      lines.push(
        `transactions: ${EVENTS} rows expected (each in the batch that first stored it), ${stored.length} stored; ${rows.lines[0]}`,
        ...rows.lines.slice(1),
      );
      if (twice.length) lines.push(`  stored more than once: ${twice.slice(0, 3).join(', ')}`);

      // the aggregates: the input's own totals
      const expected = expectedAggregates(events);
      for (const table of AGGREGATE_TABLES) {
        const got = await aggregateRows(db.pool, table);
        const r = compareKeyed(expected[table], got, (m) => m, 4);
        ok &&= r.ok;
        lines.push(`${table}: ${r.lines[0]}`, ...r.lines.slice(1));
      }
      const [[counted]] = (await db.pool.query<RowDataPacket[]>('SELECT SUM(tx_count) AS n FROM agg_minute')) as [
        RowDataPacket[],
        unknown,
      ];
      const inAggregates = Number(counted?.n ?? 0);
      if (inAggregates !== EVENTS)
        lines.push(
          `the aggregates count ${inAggregates} transactions, ${EVENTS} were sent` +
            (inAggregates > EVENTS
              ? ': rows stored already (or twice in one chunk) were added again'
              : ': rows this write inserted were not added'),
        );
      return { ok, lines };
    } finally {
      await db.pool.end().catch(() => {});
      await dropDatabase(url).catch(() => {});
    }
  },
});

const show = (m: { n: number; approved: number; amount: bigint; commission: bigint }) =>
  `${m.n} tx, ${m.approved} approved, amount ${m.amount}, commission ${m.commission}`;

/** Each aggregate table's rows as the input alone says they must be, measures in words. */
function expectedAggregates(events: readonly Transaction[]): Record<AggregateTable, Map<string, string>> {
  const sums: Record<
    AggregateTable,
    Map<string, { n: number; approved: number; amount: bigint; commission: bigint }>
  > = { agg_minute: new Map(), agg_category_hour: new Map(), agg_merchant_hour: new Map() };
  for (const tx of events) {
    const keys: [AggregateTable, string][] = [
      ['agg_minute', minuteBucket(tx.timestamp)],
      ['agg_category_hour', `${hourBucket(tx.timestamp)}\t${tx.merchant_category}`],
      ['agg_merchant_hour', `${hourBucket(tx.timestamp)}\t${tx.merchant_id}`],
    ];
    for (const [table, key] of keys) {
      const m = sums[table].get(key) ?? { n: 0, approved: 0, amount: 0n, commission: 0n };
      m.n++;
      if (tx.status === 'approved') {
        m.approved++;
        m.amount += BigInt(tx.amount);
        m.commission += BigInt(tx.commission_amount);
      }
      sums[table].set(key, m);
    }
  }
  const out = {} as Record<AggregateTable, Map<string, string>>;
  for (const t of AGGREGATE_TABLES) out[t] = new Map([...sums[t]].map(([k, m]) => [k.replace('\t', ' '), show(m)]));
  return out;
}

async function aggregateRows(pool: Pool, table: AggregateTable): Promise<Map<string, string>> {
  const [rows] = await pool.query<RowDataPacket[]>(aggregateTableSql(table));
  return new Map(
    rows.map((r) => [
      aggregateRowKey(table, r).replace('\t', ' '),
      show({
        n: Number(r.tx_count),
        approved: Number(r.approved_count),
        amount: BigInt(String(r.approved_amount)),
        commission: BigInt(String(r.approved_commission)),
      }),
    ]),
  );
}
