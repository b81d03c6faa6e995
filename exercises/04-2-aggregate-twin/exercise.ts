// Exercise 04-2: the aggregate twin of a raw dashboard query. Write the part marked TODO; check it with
//   bun run exercise check 04-2-aggregate-twin
import { todo } from '../../lib/exercises/missing.ts';

/**
 * The question, asked of the raw rows: per UTC day and merchant category over [from, to) (whole days),
 * the transactions, the approved ones, their money, and the average approved amount rounded to a whole
 * minor unit. On a million rows it reads a seventh of `transactions` for a week.
 */
export const RAW_SQL = `SELECT DATE_FORMAT(event_time, '%Y-%m-%d') AS day,
       merchant_category,
       COUNT(*) AS tx_count,
       SUM(CASE WHEN status = 'approved' THEN 1 ELSE 0 END) AS approved_count,
       SUM(CASE WHEN status = 'approved' THEN amount ELSE 0 END) AS approved_amount,
       ROUND(AVG(CASE WHEN status = 'approved' THEN amount END)) AS avg_approved_amount
FROM transactions
WHERE event_time >= ? AND event_time < ?
GROUP BY DATE_FORMAT(event_time, '%Y-%m-%d'), merchant_category
ORDER BY day, merchant_category`;

/**
 * The same question answered from `agg_category_hour` (one row per hour and category: bucket,
 * merchant_category, tx_count, approved_count, approved_amount, approved_commission; see
 * sql/mysql/002_aggregates.sql), never touching `transactions`: the same columns under the same
 * names, the same rows in the same order, to the unit. It takes the same two parameters, from and to.
 */
export function aggregateSql(): string {
  // TODO: write the SELECT over agg_category_hour that returns exactly what RAW_SQL returns
  return todo('aggregateSql: the query over agg_category_hour');
}
