-- The transactions table, SingleStore dialect (for the compose stack or SingleStore Helios).
--
-- Same columns as sql/mysql/001_transactions.sql; what differs is how the table is spread and ordered:
-- * SHARD KEY (customer_id): rows are hashed on customer_id into the database's partitions, which
--   live on the leaves. A query that names one customer goes to one partition; the rest fan out to
--   all of them, and the aggregator merges the results.
-- * The unique key must contain the shard key (seed 001's ERROR 1744), so it is
--   (customer_id, transaction_id): uniqueness can only be checked inside one partition.
--   transaction_id alone stays unique because an event never changes customer.
-- * Columnstore (the default table type) with SORT KEY (event_time): each segment's rows are in time
--   order with min/max kept per segment, so a time range skips whole segments. That is what the
--   MariaDB table's idx_event_time does with a B-tree.
-- * Seed 001's indexes: customer as the shard key plus a hash key; time as the sort key. Amount gets
--   no index: columnstore hash keys serve equality only, and range filters on amount already skip
--   segments by their min/max.
-- * DATETIME(6): SingleStore offers fractional seconds as 0 or 6 digits, not 3.
-- * ENUM lists must equal the zod enums in lib/schema.ts (a unit test checks it).
CREATE TABLE IF NOT EXISTS transactions (
  transaction_id      CHAR(36)    NOT NULL,
  customer_id         VARCHAR(40) NOT NULL,
  merchant_id         VARCHAR(40) NOT NULL,
  event_time          DATETIME(6) NOT NULL,
  merchant_category   ENUM('retail','food_service','entertainment','transportation','government') NOT NULL,
  payment_method      ENUM('online','pos','mobile','nfc') NOT NULL,
  amount              BIGINT      NOT NULL,
  commission_type     ENUM('flat','progressive','tiered') NOT NULL,
  commission_amount   BIGINT      NOT NULL,
  vat_amount          BIGINT      NOT NULL,
  total_amount        BIGINT      NOT NULL,
  status              ENUM('approved','declined') NOT NULL,
  failure_reason      ENUM('insufficient_funds','card_expired','limit_exceeded','incorrect_pin','issuer_unavailable','suspected_fraud') NULL,
  customer_type       ENUM('individual','CIP','business') NOT NULL,
  risk_level          TINYINT UNSIGNED NOT NULL,
  location_lat        DECIMAL(8,5) NOT NULL,
  location_lng        DECIMAL(8,5) NOT NULL,
  device_os           ENUM('Android','iOS','Windows','macOS','Linux','POS') NOT NULL,
  device_app_version  VARCHAR(32) NOT NULL,
  device_id           CHAR(16)    NOT NULL,
  kafka_partition     INT         NULL,
  kafka_offset        BIGINT      NULL,
  kafka_timestamp     DATETIME(6) NULL,
  ingest_batch        BIGINT UNSIGNED NOT NULL,
  ingested_at         DATETIME(6) NOT NULL,
  SHARD KEY (customer_id),
  SORT KEY (event_time),
  UNIQUE KEY uq_transaction (customer_id, transaction_id) USING HASH,
  KEY idx_customer (customer_id) USING HASH
);
