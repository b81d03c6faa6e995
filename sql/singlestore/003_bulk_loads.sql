-- Bulk loads that bypass Kafka (lab 04 loads a million generated rows this way): one row per load,
-- so a rerun can tell a finished load from an interrupted one and reuse or resume it.
CREATE ROWSTORE REFERENCE TABLE IF NOT EXISTS bulk_loads (
  name          VARCHAR(64)  NOT NULL,
  seed          BIGINT       NOT NULL,
  target_rows   BIGINT       NOT NULL,
  from_time     DATETIME(6)  NOT NULL,
  to_time       DATETIME(6)  NOT NULL,
  started_at    DATETIME(6)  NOT NULL,
  completed_at  DATETIME(6)  NULL,
  PRIMARY KEY (name)
);
