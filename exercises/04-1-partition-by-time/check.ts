// Check of exercise 04-1: your CREATE TABLE runs in a MariaDB database of the check's own; 21,000 seeded
// transactions from 2026-01-07 18:00 to 2026-01-15 06:00 UTC go in (plus 100 of them delivered again),
// then EXPLAIN FORMAT=JSON says which partitions the one-day revenue query reads for three days and
// which index serves the account page. The partitions read must hold exactly that day's rows, the
// account page must not scan, every row must be stored once, and both answers must be exact.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { config } from '../../lib/config.ts';
import { dropDatabase, ensureDatabase, openDb, withDatabase } from '../../lib/db/connect.ts';
import { sqlDatetime, sqlLiteral } from '../../lib/db/literals.ts';
import { type CheckResult, compareKeyed, defineExercise } from '../../lib/exercises/define.ts';
import { TransactionGenerator } from '../../lib/generator/index.ts';
import type { Transaction } from '../../lib/schema.ts';
import { pruningFromMariaJson } from '../../labs/04-sharding/explain.ts';

type Impl = typeof import('./solution.ts');

const TABLE = 'tx_by_day';
const DAYS = ['2026-01-08', '2026-01-09', '2026-01-10', '2026-01-11', '2026-01-12', '2026-01-13', '2026-01-14'];
const FROM = Date.parse('2026-01-07T18:00:00Z');
const TO = Date.parse('2026-01-15T06:00:00Z');
const ROWS = 21_000;
const CHECKED_DAYS = ['2026-01-08', '2026-01-12', '2026-01-14'];
const CUSTOMER = 'cust_17';

const DAY_REVENUE = `SELECT merchant_category, COUNT(*) AS tx_count,
       SUM(CASE WHEN status = 'approved' THEN amount ELSE 0 END) AS approved_amount
FROM ${TABLE}
WHERE event_time >= ? AND event_time < ?
GROUP BY merchant_category
ORDER BY merchant_category`;

const ACCOUNT_PAGE = `SELECT transaction_id, event_time, amount
FROM ${TABLE}
WHERE customer_id = ?
ORDER BY event_time DESC, transaction_id
LIMIT 20`;

const COLS = ['transaction_id', 'customer_id', 'merchant_id', 'event_time', 'merchant_category', 'amount', 'status'];
const tuple = (t: Transaction) =>
  `(${[
    t.transaction_id,
    t.customer_id,
    t.merchant_id,
    sqlDatetime(t.timestamp),
    t.merchant_category,
    t.amount,
    t.status,
  ]
    .map(sqlLiteral)
    .join(',')})`;

export default defineExercise<Impl>({
  id: '04-1-partition-by-time',
  title: 'Partition by time: a dashboard query that prunes',
  teaches:
    'that partitioning serves one access path and costs another, why every unique key must contain the partitioning column, and how to read pruning in EXPLAIN',
  minutes: 25,
  engines: ['db'],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ createTableSql }): Promise<CheckResult> {
    const gen = new TransactionGenerator({
      seed: 41,
      customerCount: 300,
      merchantCount: 20,
      fraudRate: 0,
      declinedRate: 0.05,
      peakFactor: 2.5,
    });
    const events = gen.backfill(ROWS, FROM, TO).map((s) => s.event);
    const ddl = createTableSql(TABLE, DAYS);

    const url = withDatabase(config().db.url, `txlab_ex041_${crypto.randomUUID().replaceAll('-', '').slice(0, 8)}`);
    await ensureDatabase(url);
    const db = await openDb(url, 1);
    const pool = db.pool;
    try {
      // 1. the table, the rows, and a redelivery of 100 of them (the sink's idempotent upsert)
      try {
        await pool.query(ddl);
      } catch (e) {
        return {
          ok: false,
          lines: [`your CREATE TABLE failed: ${(e as Error).message}`, `  …${ddl.replace(/\s+/g, ' ').slice(-300)}`],
        };
      }
      for (let i = 0; i < events.length; i += 1000) {
        const chunk = events.slice(i, i + 1000);
        try {
          await pool.query(`INSERT INTO ${TABLE} (${COLS.join(',')}) VALUES ${chunk.map(tuple).join(',')}`);
        } catch (e) {
          const [first, last] = [chunk[0]!.timestamp, chunk[chunk.length - 1]!.timestamp];
          return {
            ok: false,
            lines: [`storing the rows from ${first} to ${last} failed: ${(e as Error).message}`],
          };
        }
      }
      await pool.query(
        `INSERT INTO ${TABLE} (${COLS.join(',')}) VALUES ${events.slice(5_000, 5_100).map(tuple).join(',')} ON DUPLICATE KEY UPDATE amount = amount`,
      );
      const [counted] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${TABLE}`);
      const n = Number(counted[0]!.n);
      const lines: string[] = [];
      let ok = Number(n) === ROWS;
      lines.push(
        `rows: ${ROWS} sent (from ${sqlDatetime(FROM)} to ${sqlDatetime(TO)}) and 100 of them again, expected ${ROWS} stored, ${n} are` +
          (ok
            ? ''
            : Number(n) > ROWS
              ? '  ← a redelivered row was stored twice: no key stops it'
              : '  ← rows are missing'),
      );

      // 2. the revenue chart, per day: the partitions it reads, and its answer
      const total = await partitionCount(pool);
      for (const day of CHECKED_DAYS) {
        const [from, to] = [`${day} 00:00:00`, `${nextDay(day)} 00:00:00`];
        const pruning = await explain(pool, DAY_REVENUE, [from, to], total);
        const inRead = await rowsIn(pool, pruning.partitions);
        const inDay = events.filter((e) => e.timestamp.slice(0, 10) === day).length;
        const pruned = pruning.partitions.length > 0 && inRead === inDay;
        const [answer] = await pool.query<RowDataPacket[]>(DAY_REVENUE, [from, to]);
        const r = compareKeyed(
          dayTruth(events, day),
          new Map(answer.map((a) => [String(a.merchant_category), `${a.tx_count} tx, ${a.approved_amount} approved`])),
          (x) => x,
        );
        ok &&= pruned && r.ok;
        lines.push(
          `revenue on ${day}: reads ${describe(pruning.partitions, total)} holding ${inRead} rows; the day has ${inDay}` +
            (pruned ? ' (pruned to the day)' : '  ← reads rows of other days') +
            `; answer: ${r.lines[0]}`,
          ...r.lines.slice(1),
        );
      }

      // 3. the account page: an index, and the answer
      const account = await explain(pool, ACCOUNT_PAGE, [CUSTOMER], total);
      const [page] = await pool.query<RowDataPacket[]>(ACCOUNT_PAGE, [CUSTOMER]);
      const want = events
        .filter((e) => e.customer_id === CUSTOMER)
        .sort((a, b) =>
          a.timestamp === b.timestamp
            ? a.transaction_id < b.transaction_id
              ? -1
              : 1
            : a.timestamp < b.timestamp
              ? 1
              : -1,
        )
        .slice(0, 20)
        .map((e) => e.transaction_id.slice(0, 8));
      const got = page.map((p) => String(p.transaction_id).slice(0, 8));
      const sameAnswer = want.join() === got.join();
      ok &&= account.index !== null && sameAnswer;
      lines.push(
        `account page of ${CUSTOMER}: reads ${describe(account.partitions, total)} ` +
          (account.index
            ? `through ${account.index}`
            : 'by scanning them  ← needs an index that starts with customer_id') +
          `; its 20 most recent ${sameAnswer ? 'are right' : `expected ${want.slice(0, 4).join(', ')}…, got ${got.slice(0, 4).join(', ') || 'nothing'}…`}`,
      );
      return { ok, lines };
    } finally {
      await pool.end().catch(() => {});
      await dropDatabase(url).catch(() => {});
    }
  },
});

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const describe = (parts: string[], total: number) =>
  parts.length === 0
    ? `no partitions (${total} in the table)`
    : `${parts.length} of ${total} partitions (${parts.slice(0, 4).join(', ')}${parts.length > 4 ? ', …' : ''})`;

/** Per category, that day's count and approved money, from the input alone. */
function dayTruth(events: readonly Transaction[], day: string): Map<string, string> {
  const acc = new Map<string, { n: number; approved: bigint }>();
  for (const e of events) {
    if (e.timestamp.slice(0, 10) !== day) continue;
    const a = acc.get(e.merchant_category) ?? { n: 0, approved: 0n };
    a.n++;
    if (e.status === 'approved') a.approved += BigInt(e.amount);
    acc.set(e.merchant_category, a);
  }
  return new Map([...acc].map(([k, a]) => [k, `${a.n} tx, ${a.approved} approved`]));
}

async function partitionCount(pool: Pool): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT COUNT(*) AS n FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [TABLE],
  );
  return Number(rows[0]!.n);
}

async function explain(pool: Pool, sql: string, params: unknown[], total: number) {
  const [rows] = await pool.query<RowDataPacket[]>(`EXPLAIN FORMAT=JSON ${sql}`, params);
  return pruningFromMariaJson(JSON.parse(String(Object.values(rows[0] ?? {})[0] ?? '{}')), TABLE, total);
}

/** Rows stored in these partitions (names as EXPLAIN gives them). */
async function rowsIn(pool: Pool, partitions: string[]): Promise<number> {
  if (partitions.length === 0) return 0;
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS n FROM ${TABLE} PARTITION (${partitions.map((p) => `\`${p.replaceAll('`', '')}\``).join(',')})`,
  );
  return Number(rows[0]!.n);
}
