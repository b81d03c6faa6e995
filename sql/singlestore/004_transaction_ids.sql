-- Claims of transaction ids, SingleStore dialect: the same table as sql/mysql/004_transaction_ids.sql.
--
-- A unique key must contain the shard key, and `transactions` is sharded on customer_id (so that one
-- customer's rows sit in one partition), so no key there can make transaction_id unique by itself.
-- This table is sharded on transaction_id instead, and its unique key is transaction_id alone: an id
-- lives in exactly one partition, whoever the customer. The sink writes the claim and the row in one
-- (distributed) transaction; a second use of an id cannot be stored and goes to the dead-letter topic.
-- Columnstore, like `transactions`: one row per transaction would not fit in memory as a rowstore.
CREATE TABLE IF NOT EXISTS transaction_ids (
  transaction_id  CHAR(36)    NOT NULL,
  customer_id     VARCHAR(40) NOT NULL,
  payload_sha256  CHAR(64)    NULL,
  ingest_batch    BIGINT UNSIGNED NOT NULL,
  SHARD KEY (transaction_id),
  SORT KEY (transaction_id),
  UNIQUE KEY uq_transaction_id (transaction_id) USING HASH
);

-- Rows stored before this table existed keep their ids: the first of each id claims it (no payload hash).
INSERT IGNORE INTO transaction_ids (transaction_id, customer_id, payload_sha256, ingest_batch)
  SELECT LOWER(transaction_id), customer_id, NULL, ingest_batch FROM transactions;
