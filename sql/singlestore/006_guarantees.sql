-- Lab 07's processing step writes here, SingleStore dialect. guarantee_outputs has no unique key on the
-- input record on purpose: a record processed twice gives two rows, so the audit can count what each
-- delivery guarantee duplicates. guarantee_positions is where the exactly-once pipeline keeps its input
-- positions, in the same transaction as its rows; a restart resumes from here, not from the group.
CREATE ROWSTORE TABLE IF NOT EXISTS guarantee_outputs (
  id               BIGINT       NOT NULL AUTO_INCREMENT,
  run_id           VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  pipeline         VARCHAR(32)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  source_partition INT          NOT NULL,
  source_offset    BIGINT       NOT NULL,
  transaction_id   CHAR(36)     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  outcome          VARCHAR(16)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  reason           VARCHAR(255) NULL,
  amount           BIGINT       NULL,
  payout           BIGINT       NULL,
  written_by       INT          NOT NULL,
  written_at       DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY idx_guarantee_outputs_run (run_id, pipeline)
);

CREATE ROWSTORE TABLE IF NOT EXISTS guarantee_positions (
  run_id       VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  pipeline     VARCHAR(32)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  topic        VARCHAR(249) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  partition_id INT          NOT NULL,
  next_offset  BIGINT       NOT NULL,
  PRIMARY KEY (run_id, pipeline, topic, partition_id)
);
