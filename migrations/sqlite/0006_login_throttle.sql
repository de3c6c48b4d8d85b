-- SQLite twin of migrations/mysql/0006_login_throttle.sql (the reference).
CREATE TABLE IF NOT EXISTS login_throttle (
  key_hash TEXT NOT NULL PRIMARY KEY,
  failures INTEGER NOT NULL DEFAULT 0,
  window_start DATETIME NOT NULL,
  next_allowed_at DATETIME NOT NULL,
  locked_until DATETIME NULL,
  updated_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_login_throttle_updated ON login_throttle (updated_at);
