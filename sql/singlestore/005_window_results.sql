-- Final window results of the windows consumer (lab 06), SingleStore dialect: a small, hot rowstore
-- table, one row per (view, window start, key), upserted, so a replay after a crash writes the same row
-- again. Sharded by its primary key. Times are epoch milliseconds; money is BIGINT minor units.
CREATE ROWSTORE TABLE IF NOT EXISTS window_results (
  view_name       VARCHAR(32)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  window_start    BIGINT       NOT NULL,
  window_key      VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  window_end      BIGINT       NOT NULL,
  tx_count        BIGINT       NOT NULL,
  amount_sum      BIGINT       NOT NULL,
  amount_min      BIGINT       NOT NULL,
  amount_max      BIGINT       NOT NULL,
  approved_count  BIGINT       NOT NULL,
  approved_sum    BIGINT       NOT NULL,
  declined_count  BIGINT       NOT NULL,
  declined_sum    BIGINT       NOT NULL,
  closed_by_watermark BIGINT   NOT NULL,
  written_at      DATETIME(6)  NOT NULL,
  PRIMARY KEY (view_name, window_start, window_key),
  KEY idx_window_results_end (window_end)
);
