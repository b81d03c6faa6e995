-- Lab 07's processing step writes here, MySQL / MariaDB dialect. guarantee_outputs has no unique key on
-- the input record on purpose: a record processed twice gives two rows, so the audit can count what each
-- delivery guarantee duplicates. guarantee_positions is where the exactly-once pipeline keeps its input
-- positions, in the same transaction as its rows; a restart resumes from here, not from the group.
CREATE TABLE IF NOT EXISTS guarantee_outputs (
  id               BIGINT       NOT NULL AUTO_INCREMENT,
  run_id           VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL COMMENT 'the lab run and round',
  pipeline         VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL COMMENT 'e.g. exactly-once.sql',
  source_partition INT          NOT NULL,
  source_offset    BIGINT       NOT NULL,
  transaction_id   CHAR(36)     CHARACTER SET ascii COLLATE ascii_bin NULL COMMENT 'NULL when the input was rejected',
  outcome          VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL COMMENT 'settled or rejected',
  reason           VARCHAR(255) NULL,
  amount           BIGINT       NULL,
  payout           BIGINT       NULL COMMENT 'amount less commission, minor units',
  written_by       INT          NOT NULL COMMENT 'pid of the process that wrote it',
  written_at       DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY idx_guarantee_outputs_run (run_id, pipeline)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS guarantee_positions (
  run_id       VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  pipeline     VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  topic        VARCHAR(249) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  partition_id INT          NOT NULL,
  next_offset  BIGINT       NOT NULL COMMENT 'the offset to read next',
  PRIMARY KEY (run_id, pipeline, topic, partition_id)
) ENGINE = InnoDB;
