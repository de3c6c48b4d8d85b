-- SQLite twin of migrations/mysql/0005_verification_codes.sql (the reference).
CREATE TABLE IF NOT EXISTS verification_codes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  purpose TEXT NOT NULL,
  channel TEXT NOT NULL,
  target_hash TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at DATETIME NOT NULL,
  expires_at DATETIME NOT NULL,
  consumed_at DATETIME NULL
);
CREATE INDEX IF NOT EXISTS idx_verification_target ON verification_codes (purpose, target_hash, id);
CREATE INDEX IF NOT EXISTS idx_verification_expires ON verification_codes (expires_at);
