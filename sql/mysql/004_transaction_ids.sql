-- Claims of transaction ids, MySQL / MariaDB dialect: one row per transaction_id, whoever the customer.
--
-- `transactions` is partitioned by KEY(customer_id), so every unique key there must contain customer_id
-- (ERROR 1503): its primary key (customer_id, transaction_id) lets the same id be stored once per
-- customer. This table is not partitioned, so its primary key is transaction_id alone. The sink claims
-- each id here in the same database transaction as it inserts the row, and inserts only the rows whose
-- ids it claimed: a second use of an id (another customer, or the same customer with another payload)
-- cannot be stored; the sink sends it to the dead-letter topic as `conflict`, with both payload hashes.
-- The hash tells a redelivery (same payload: a silent duplicate) from a conflict.
--
-- Ids are stored in canonical lower case (the event schema lower-cases them), and compared byte for byte.
CREATE TABLE IF NOT EXISTS transaction_ids (
  transaction_id  CHAR(36)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  customer_id     VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  payload_sha256  CHAR(64)    CHARACTER SET ascii NULL COMMENT 'SHA-256 of the event content; NULL for rows stored before this table',
  ingest_batch    BIGINT UNSIGNED NOT NULL COMMENT 'the sink write that claimed the id',
  PRIMARY KEY (transaction_id)
) ENGINE = InnoDB;

-- Rows stored before this table existed keep their ids: the first of each id claims it (no payload hash).
INSERT IGNORE INTO transaction_ids (transaction_id, customer_id, payload_sha256, ingest_batch)
  SELECT LOWER(transaction_id), customer_id, NULL, ingest_batch FROM transactions;
