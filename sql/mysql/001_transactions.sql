-- The transactions table, MySQL / MariaDB dialect (the embedded default).
--
-- One row per transaction event, every field of the event schema (lib/schema.ts) plus the sink's
-- bookkeeping: where the row came from in Kafka and when the sink wrote it.
--
-- * Money is BIGINT minor units, never FLOAT/DOUBLE: sums are exact.
-- * Partitioned by KEY(customer_id) into 7 partitions: a query that names one customer reads one
--   partition ("pruning"); anything else reads all 7. It is the single-server version of
--   SingleStore's SHARD KEY, with the same rule: every PRIMARY/UNIQUE key must contain the
--   partitioning column, because uniqueness can only be checked inside one partition. So the primary
--   key is (transaction_id, customer_id), not (transaction_id) — exactly seed 001's ERROR 1744.
--   transaction_id alone stays unique because an event never changes customer.
-- * 7, not 8: KEY() hashes with the engine's own string hash, whose low bits are poorly mixed. With
--   8 (or 16) partitions the ids cust_1..cust_1000 land 86..191 per partition (max/mean 1.53); with
--   7 they land 126..159, as a random spread would (lab 04 measures this on the server itself).
-- * Indexes per seed 001: account (customer, time), amount, time.
-- * ENUM lists must equal the zod enums in lib/schema.ts (a unit test checks it).
CREATE TABLE IF NOT EXISTS transactions (
  transaction_id      CHAR(36)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  customer_id         VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  merchant_id         VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  event_time          DATETIME(3) NOT NULL COMMENT 'the event timestamp, UTC',
  merchant_category   ENUM('retail','food_service','entertainment','transportation','government') NOT NULL,
  payment_method      ENUM('online','pos','mobile','nfc') NOT NULL,
  amount              BIGINT      NOT NULL COMMENT 'minor units',
  commission_type     ENUM('flat','progressive','tiered') NOT NULL,
  commission_amount   BIGINT      NOT NULL COMMENT 'minor units',
  vat_amount          BIGINT      NOT NULL COMMENT 'minor units',
  total_amount        BIGINT      NOT NULL COMMENT 'minor units: amount + commission + vat',
  status              ENUM('approved','declined') NOT NULL,
  failure_reason      ENUM('insufficient_funds','card_expired','limit_exceeded','incorrect_pin','issuer_unavailable','suspected_fraud') NULL,
  customer_type       ENUM('individual','CIP','business') NOT NULL,
  risk_level          TINYINT UNSIGNED NOT NULL,
  location_lat        DECIMAL(8,5) NOT NULL,
  location_lng        DECIMAL(8,5) NOT NULL,
  device_os           ENUM('Android','iOS','Windows','macOS','Linux','POS') NOT NULL,
  device_app_version  VARCHAR(32) CHARACTER SET ascii NOT NULL,
  device_id           CHAR(16)    CHARACTER SET ascii NOT NULL,
  kafka_partition     INT         NULL COMMENT 'NULL when bulk-loaded without Kafka',
  kafka_offset        BIGINT      NULL,
  kafka_timestamp     DATETIME(3) NULL COMMENT 'the record timestamp, UTC',
  ingest_batch        BIGINT UNSIGNED NOT NULL COMMENT 'the sink write (one DB transaction) that inserted the row',
  ingested_at         DATETIME(3) NOT NULL COMMENT 'when the sink wrote the row, UTC',
  PRIMARY KEY (customer_id, transaction_id),
  KEY idx_customer_time (customer_id, event_time),
  KEY idx_event_time (event_time),
  KEY idx_amount (amount)
) ENGINE = InnoDB
  PARTITION BY KEY (customer_id) PARTITIONS 7;
