// Reference solution of exercise 04-1 (read it after trying: `bun run exercise solution 04-1-partition-by-time`).
export const COLUMNS = `
  transaction_id     CHAR(36)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  customer_id        VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  merchant_id        VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  event_time         DATETIME(3) NOT NULL COMMENT 'UTC',
  merchant_category  ENUM('retail','food_service','entertainment','transportation','government') NOT NULL,
  amount             BIGINT      NOT NULL COMMENT 'minor units',
  status             ENUM('approved','declined') NOT NULL`;

const DAY_MS = 86_400_000;
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

export function createTableSql(table: string, days: readonly string[]): string {
  // one partition per day: p20260108 holds [2026-01-08, 2026-01-09), and so on
  const daily = days.map((d) => `PARTITION p${d.replaceAll('-', '')} VALUES LESS THAN ('${nextDay(d)} 00:00:00')`);
  return `CREATE TABLE ${table} (${COLUMNS},
    -- every unique key must contain the partitioning column (ERROR 1503): the id is unique per event time
    PRIMARY KEY (transaction_id, event_time),
    -- the account page now reads every partition, but through this index in each
    KEY idx_customer_time (customer_id, event_time)
  ) ENGINE = InnoDB
  -- RANGE COLUMNS on the column itself: [day, next day) maps to exactly one partition
  PARTITION BY RANGE COLUMNS (event_time) (
    -- the first RANGE partition takes everything below its bound: older rows get their own
    PARTITION pbefore VALUES LESS THAN ('${days[0]} 00:00:00'),
    ${daily.join(',\n    ')},
    -- rows after the last day still have a place (the job that adds tomorrow's partition splits it)
    PARTITION pfuture VALUES LESS THAN (MAXVALUE)
  )`;
}
