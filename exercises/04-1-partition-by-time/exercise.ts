// Exercise 04-1: partitions the dashboard's time window can prune to. Write the part marked TODO; check it with
//   bun run exercise check 04-1-partition-by-time
import { todo } from '../../lib/exercises/missing.ts';

/** The columns of the table (a slice of `transactions`): the keys and the partitioning are yours. */
export const COLUMNS = `
  transaction_id     CHAR(36)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  customer_id        VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  merchant_id        VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  event_time         DATETIME(3) NOT NULL COMMENT 'UTC',
  merchant_category  ENUM('retail','food_service','entertainment','transportation','government') NOT NULL,
  amount             BIGINT      NOT NULL COMMENT 'minor units',
  status             ENUM('approved','declined') NOT NULL`;

/**
 * The CREATE TABLE statement for `table` (MariaDB): COLUMNS, then the keys, then the partitioning. The
 * dashboard runs two queries on it (README.md has them in full):
 * - the revenue chart, per category over one UTC day: `WHERE event_time >= '2026-01-12 00:00:00' AND
 *   event_time < '2026-01-13 00:00:00'`. It must read only partitions that hold that day's rows, no others;
 * - the account page, a customer's 20 most recent: `WHERE customer_id = ? ORDER BY event_time DESC
 *   LIMIT 20`. It must be served by an index, not by scanning.
 * Every row must be storable, including rows before the first of `days` and after the last (they keep
 * arriving: tomorrow's partition may not exist yet), and no row may be stored twice.
 *
 * `days` are UTC dates in order, e.g. ['2026-01-08', …, '2026-01-14'].
 */
export function createTableSql(table: string, days: readonly string[]): string {
  // TODO: return `CREATE TABLE ${table} (${COLUMNS}, <keys>) <PARTITION BY …>` for these days
  return todo(`createTableSql: the keys and partitioning of ${table} for ${days.length} days`);
}
