// The second opinion on lab 06's results: the sink stored every transaction of the run in SQL; the same
// tumbling windows per category recomputed there with GROUP BY, leaving out the events the late topic
// names for that view, must equal what the windows process stored in window_results, field by field.
// Two engines, two code paths (the operator in TypeScript; the database's own arithmetic on the sink's
// rows), one answer.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { AGGREGATE_FIELDS, type Aggregate, addEvent, emptyAggregate } from '../../lib/windows/aggregate.ts';
import type { StoredResult } from '../../lib/windows/store.ts';

export type SqlRecompute = { view: string; windows: number; matched: number; differ: number; examples: string[] };

export async function recomputeTumbling(
  pool: Pool,
  o: {
    view: string;
    windowMs: number;
    /** windows that start at or after `fromMs` and end at or before `toMs` */
    fromMs: number;
    toMs: number;
    /** ids the late topic names for this view: they count in none of its windows */
    late: ReadonlySet<string>;
    /** this run's transaction ids: rows of other runs in the same stretch of event time are not its (lab 05's
     * accelerated clock dates events ahead of the wall clock) */
    run: ReadonlySet<string>;
    stored: readonly StoredResult[];
    t0: number;
  },
): Promise<SqlRecompute> {
  // event_time is DATETIME(3) in UTC: its epoch milliseconds, exactly
  const ms = "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', event_time) DIV 1000";
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT ${ms} - MOD(${ms}, ?) AS window_start, merchant_category AS k, transaction_id AS id, amount, status
       FROM transactions WHERE event_time >= ? AND event_time < ?`,
    [o.windowMs, new Date(o.fromMs), new Date(o.toMs)],
  );
  // the late ids are many; leaving them out here keeps the SQL plain. The fold is the operator's own
  // (addEvent): the second opinion is the database's rows and bucketing, not another sum.
  const sql = new Map<string, Aggregate>();
  for (const r of rows) {
    if (!o.run.has(String(r.id)) || o.late.has(String(r.id))) continue;
    const id = `${Number(r.window_start)}|${r.k}`;
    const a = sql.get(id) ?? emptyAggregate();
    addEvent(a, { amount: Number(r.amount), status: r.status });
    sql.set(id, a);
  }
  const mine = new Map(
    o.stored
      .filter((r) => r.view === o.view && r.start >= o.fromMs && r.end <= o.toMs)
      .map((r) => [`${r.start}|${r.key}`, r]),
  );
  const examples: string[] = [];
  let matched = 0;
  let differ = 0;
  for (const id of new Set([...sql.keys(), ...mine.keys()])) {
    const [s, m] = [sql.get(id), mine.get(id)];
    const wrong: (typeof AGGREGATE_FIELDS)[number][] | null =
      s && m ? AGGREGATE_FIELDS.filter((f) => s[f] !== m[f]) : null;
    if (wrong && wrong.length === 0) matched++;
    else {
      differ++;
      const [start, key] = id.split('|');
      if (examples.length < 5)
        examples.push(
          `${o.view} [${(Number(start) - o.t0) / 1000} s) ${key}: ${s ? '' : 'not in SQL; '}${m ? '' : 'not stored by the windows process; '}${s && m && wrong ? wrong.map((f) => `${f} ${m[f]} (SQL ${s[f]})`).join(', ') : ''}`,
        );
    }
  }
  return { view: o.view, windows: sql.size, matched, differ, examples };
}
