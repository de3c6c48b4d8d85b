-- SQLite twin of migrations/mysql/0004_sessions.sql (the reference); see it for the why.
CREATE TABLE IF NOT EXISTS sessions (
  id_hash TEXT NOT NULL PRIMARY KEY,
  user_id INTEGER NOT NULL DEFAULT 0,
  user_kind TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  last_seen_at DATETIME NOT NULL,
  expires_at DATETIME NOT NULL,
  idle_timeout_seconds INTEGER NOT NULL,
  revoked_at DATETIME NULL,
  revoke_reason TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  client_ip TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_sessions_user ON sessions (user_id, revoked_at);
CREATE INDEX IF NOT EXISTS idx_sessions_expires ON sessions (expires_at);
