-- Precomputed aggregates, SingleStore dialect: the same three tables as sql/mysql/002_aggregates.sql.
-- They are small and updated in place many times a second (ON DUPLICATE KEY UPDATE x = x + ...), so
-- they are rowstore tables, sharded on their primary key (the default when no SHARD KEY is given).
CREATE ROWSTORE TABLE IF NOT EXISTS agg_minute (
  bucket               DATETIME NOT NULL,
  tx_count             BIGINT NOT NULL,
  approved_count       BIGINT NOT NULL,
  approved_amount      BIGINT NOT NULL,
  approved_commission  BIGINT NOT NULL,
  PRIMARY KEY (bucket)
);

CREATE ROWSTORE TABLE IF NOT EXISTS agg_category_hour (
  bucket               DATETIME NOT NULL,
  merchant_category    ENUM('retail','food_service','entertainment','transportation','government') NOT NULL,
  tx_count             BIGINT NOT NULL,
  approved_count       BIGINT NOT NULL,
  approved_amount      BIGINT NOT NULL,
  approved_commission  BIGINT NOT NULL,
  PRIMARY KEY (bucket, merchant_category)
);

CREATE ROWSTORE TABLE IF NOT EXISTS agg_merchant_hour (
  bucket               DATETIME NOT NULL,
  merchant_id          VARCHAR(40) NOT NULL,
  tx_count             BIGINT NOT NULL,
  approved_count       BIGINT NOT NULL,
  approved_amount      BIGINT NOT NULL,
  approved_commission  BIGINT NOT NULL,
  PRIMARY KEY (bucket, merchant_id)
);
