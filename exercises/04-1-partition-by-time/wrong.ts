// A plausible wrong answer to exercise 04-1 (the tests check that its check fails on it): the
// reference solution's columns in lab 04's layout, PARTITION BY KEY(customer_id): every unique key
// contains customer_id and the account page reads one partition, but a one-day query reads them all.
export const COLUMNS = `
  transaction_id     CHAR(36)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  customer_id        VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  merchant_id        VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  event_time         DATETIME(3) NOT NULL COMMENT 'UTC',
  merchant_category  ENUM('retail','food_service','entertainment','transportation','government') NOT NULL,
  amount             BIGINT      NOT NULL COMMENT 'minor units',
  status             ENUM('approved','declined') NOT NULL`;

export function createTableSql(table: string, days: readonly string[]): string {
  // (wrong) lab 04's layout: by customer, each customer's rows in one partition
  return `CREATE TABLE ${table} (${COLUMNS},
    PRIMARY KEY (customer_id, transaction_id),
    KEY idx_customer_time (customer_id, event_time)
  ) ENGINE = InnoDB
  PARTITION BY KEY (customer_id) PARTITIONS ${days.length}`;
}
