-- Final window results of the windows consumer (lab 06), MySQL / MariaDB dialect: one row per
-- (view, window start, key), upserted, so a replay after a crash writes the same row again instead of a
-- second one. Times are epoch milliseconds, as the operator computes them; money is BIGINT minor units.
CREATE TABLE IF NOT EXISTS window_results (
  view_name       VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL COMMENT 'category_tumbling, category_hopping, merchant_tumbling, customer_hopping',
  window_start    BIGINT       NOT NULL COMMENT 'epoch ms, inclusive',
  window_key      VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL COMMENT 'the category, merchant or customer',
  window_end      BIGINT       NOT NULL COMMENT 'epoch ms, exclusive',
  tx_count        BIGINT       NOT NULL,
  amount_sum      BIGINT       NOT NULL,
  amount_min      BIGINT       NOT NULL,
  amount_max      BIGINT       NOT NULL,
  approved_count  BIGINT       NOT NULL,
  approved_sum    BIGINT       NOT NULL,
  declined_count  BIGINT       NOT NULL,
  declined_sum    BIGINT       NOT NULL,
  closed_by_watermark BIGINT   NOT NULL COMMENT 'the operator watermark that closed it, epoch ms',
  written_at      DATETIME(6)  NOT NULL,
  PRIMARY KEY (view_name, window_start, window_key),
  KEY idx_window_results_end (window_end)
) ENGINE = InnoDB;
