// Check of exercise 04-2: 20,000 seeded transactions from 2026-01-07 12:00 to 2026-01-15 12:00 UTC are
// stored through the sink's writer (rows and aggregate tables, as lab 04 loads them) in a MariaDB
// database of the check's own. Your query, for the 7 whole days from 2026-01-08, must not read
// `transactions` (EXPLAIN FORMAT=JSON) and must return exactly the rows the raw query returns: the
// input's own totals per day and category, in the same order, to the unit.
import type { RowDataPacket } from 'mysql2/promise';
import { config } from '../../lib/config.ts';
import { dropDatabase, ensureDatabase, openDb, withDatabase } from '../../lib/db/connect.ts';
import { migrate } from '../../lib/db/migrate.ts';
import { type CheckResult, compareKeyed, defineExercise } from '../../lib/exercises/define.ts';
import { TransactionGenerator } from '../../lib/generator/index.ts';
import { MERCHANT_CATEGORIES, type Transaction } from '../../lib/schema.ts';
import { writeRows } from '../../lib/sink/writer.ts';

type Impl = typeof import('./solution.ts');

const FROM = Date.parse('2026-01-07T12:00:00Z');
const TO = Date.parse('2026-01-15T12:00:00Z');
const ROWS = 20_000;
const WINDOW = ['2026-01-08 00:00:00', '2026-01-15 00:00:00'];

/** The raw question (as in exercise.ts): the truth the aggregate twin must equal. */
const RAW_SQL = `SELECT DATE_FORMAT(event_time, '%Y-%m-%d') AS day,
       merchant_category,
       COUNT(*) AS tx_count,
       SUM(CASE WHEN status = 'approved' THEN 1 ELSE 0 END) AS approved_count,
       SUM(CASE WHEN status = 'approved' THEN amount ELSE 0 END) AS approved_amount,
       ROUND(AVG(CASE WHEN status = 'approved' THEN amount END)) AS avg_approved_amount
FROM transactions
WHERE event_time >= ? AND event_time < ?
GROUP BY DATE_FORMAT(event_time, '%Y-%m-%d'), merchant_category
ORDER BY day, merchant_category`;

const COLUMNS = ['day', 'merchant_category', 'tx_count', 'approved_count', 'approved_amount', 'avg_approved_amount'];

export default defineExercise<Impl>({
  id: '04-2-aggregate-twin',
  title: 'The aggregate twin: the same answer from the hourly table',
  teaches:
    'how a precomputed aggregate answers a dashboard query exactly: which measures add up across buckets, why an average must be re-derived from sums, and how the window must align to the buckets',
  minutes: 20,
  engines: ['db'],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ aggregateSql }): Promise<CheckResult> {
    const sql = aggregateSql();
    const gen = new TransactionGenerator({
      seed: 42,
      customerCount: 300,
      merchantCount: 50,
      fraudRate: 0,
      declinedRate: 0.05,
      peakFactor: 2.5,
    });
    const events = gen.backfill(ROWS, FROM, TO).map((s) => s.event);
    const expected = truth(events);

    const url = withDatabase(config().db.url, `txlab_ex042_${crypto.randomUUID().replaceAll('-', '').slice(0, 8)}`);
    await ensureDatabase(url);
    const db = await openDb(url, 2);
    try {
      await migrate(db);
      for (let i = 0; i < events.length; i += 2000)
        await writeRows(
          db.pool,
          events.slice(i, i + 2000).map((tx) => ({ tx, origin: null })),
        );
      const lines: string[] = [];

      // 1. where it reads from
      let tables: string[];
      try {
        const [plan] = await db.pool.query<RowDataPacket[]>(`EXPLAIN FORMAT=JSON ${sql}`, WINDOW);
        tables = [...new Set(tableNames(JSON.parse(String(Object.values(plan[0] ?? {})[0] ?? '{}'))))];
      } catch (e) {
        return { ok: false, lines: [`your query failed: ${(e as Error).message}`] };
      }
      const offRaw = !tables.includes('transactions');
      lines.push(
        `reads ${tables.join(', ') || 'no table'}${offRaw ? '' : '  ← answer from agg_category_hour, without touching transactions'}`,
      );

      // 2. what it answers, against the input's own totals (and the raw query's answer)
      const [rows] = await db.pool.query<RowDataPacket[]>(sql, WINDOW);
      const missing = COLUMNS.filter((c) => rows.length > 0 && !(c in rows[0]!));
      if (missing.length) lines.push(`your rows have no column ${missing.join(', ')} (name them as RAW_SQL does)`);
      const got = new Map(rows.map((r) => [`${r.day} ${r.merchant_category}`, show(r)]));
      const r = compareKeyed(expected, got, (x) => x);
      const order = [...expected.keys()].join() === rows.map((x) => `${x.day} ${x.merchant_category}`).join();
      lines.push(
        `${WINDOW[0]} to ${WINDOW[1]}, per day and category: ${r.lines[0]}${r.ok && !order ? ', but in another order  ← ORDER BY day, merchant_category' : ''}`,
        ...r.lines.slice(1),
      );
      const [raw] = await db.pool.query<RowDataPacket[]>(RAW_SQL, WINDOW);
      const rawSame = JSON.stringify(raw.map(show)) === JSON.stringify([...expected.values()]);
      lines.push(
        `(the raw query over transactions gives the expected rows: ${rawSame ? 'yes' : 'NO — a bug in the check'})`,
      );
      return { ok: offRaw && missing.length === 0 && r.ok && order && rawSame, lines };
    } finally {
      await db.pool.end().catch(() => {});
      await dropDatabase(url).catch(() => {});
    }
  },
});

const show = (r: Record<string, unknown>) =>
  `${r.tx_count} tx, ${r.approved_count} approved, amount ${r.approved_amount}, avg ${r.avg_approved_amount}`;

/** Half up, for non-negative a / b (b > 0), in BigInt. */
const roundDiv = (a: bigint, b: bigint) => (2n * a + b) / (2n * b);

/**
 * The input's own answer, in the raw query's order (day, then the category ENUM's order). The average
 * is computed as MariaDB computes ROUND(AVG(x)) of integers: the quotient to 4 decimals
 * (div_precision_increment), rounded half up, then rounded half up to a whole unit.
 */
function truth(events: readonly Transaction[]): Map<string, string> {
  const acc = new Map<string, { day: string; cat: string; n: number; approved: number; amount: bigint }>();
  for (const e of events) {
    const day = e.timestamp.slice(0, 10);
    if (`${day} 00:00:00` < WINDOW[0]! || `${day} 00:00:00` >= WINDOW[1]!) continue;
    const key = `${day} ${e.merchant_category}`;
    const a = acc.get(key) ?? { day, cat: e.merchant_category, n: 0, approved: 0, amount: 0n };
    a.n++;
    if (e.status === 'approved') {
      a.approved++;
      a.amount += BigInt(e.amount);
    }
    acc.set(key, a);
  }
  const rank = (c: string) => MERCHANT_CATEGORIES.indexOf(c as (typeof MERCHANT_CATEGORIES)[number]);
  const sorted = [...acc.values()].sort((a, b) =>
    a.day === b.day ? rank(a.cat) - rank(b.cat) : a.day < b.day ? -1 : 1,
  );
  return new Map(
    sorted.map((a) => [
      `${a.day} ${a.cat}`,
      show({
        tx_count: a.n,
        approved_count: a.approved,
        approved_amount: a.amount,
        avg_approved_amount:
          a.approved === 0 ? null : roundDiv(roundDiv(a.amount * 10_000n, BigInt(a.approved)), 10_000n),
      }),
    ]),
  );
}

/** Every table_name in an EXPLAIN FORMAT=JSON plan. */
function tableNames(node: unknown): string[] {
  if (node === null || typeof node !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === 'table_name' && typeof v === 'string') out.push(v);
    else out.push(...(Array.isArray(v) ? v.flatMap(tableNames) : tableNames(v)));
  }
  return out;
}
