-- Which files of sql/<dialect>/ have been applied, with a checksum of their text: migrations run at
-- every start, skip what is recorded, and warn when a recorded file has changed since.
CREATE ROWSTORE REFERENCE TABLE IF NOT EXISTS schema_migrations (
  name        VARCHAR(200) NOT NULL,
  checksum    CHAR(64)     NOT NULL,
  applied_at  DATETIME(6)  NOT NULL,
  PRIMARY KEY (name)
);
