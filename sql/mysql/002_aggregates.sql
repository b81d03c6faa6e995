-- Precomputed aggregates (seed 001's "materialized views"), MySQL / MariaDB dialect.
--
-- The sink keeps them current in the same database transaction as the rows it inserts, adding only
-- the rows that were new (a redelivered batch adds nothing), so they always equal a GROUP BY over
-- `transactions`. Dashboards read a few hundred rows here instead of scanning millions there.
-- Measures: every transaction counts in tx_count; money is summed over approved ones only.
CREATE TABLE IF NOT EXISTS agg_minute (
  bucket               DATETIME NOT NULL COMMENT 'start of the minute, UTC',
  tx_count             BIGINT NOT NULL,
  approved_count       BIGINT NOT NULL,
  approved_amount      BIGINT NOT NULL,
  approved_commission  BIGINT NOT NULL,
  PRIMARY KEY (bucket)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS agg_category_hour (
  bucket               DATETIME NOT NULL COMMENT 'start of the hour, UTC',
  merchant_category    ENUM('retail','food_service','entertainment','transportation','government') NOT NULL,
  tx_count             BIGINT NOT NULL,
  approved_count       BIGINT NOT NULL,
  approved_amount      BIGINT NOT NULL,
  approved_commission  BIGINT NOT NULL,
  PRIMARY KEY (bucket, merchant_category)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS agg_merchant_hour (
  bucket               DATETIME NOT NULL COMMENT 'start of the hour, UTC',
  merchant_id          VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  tx_count             BIGINT NOT NULL,
  approved_count       BIGINT NOT NULL,
  approved_amount      BIGINT NOT NULL,
  approved_commission  BIGINT NOT NULL,
  PRIMARY KEY (bucket, merchant_id)
) ENGINE = InnoDB;
