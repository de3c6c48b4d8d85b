-- SQLite twin of migrations/mysql/0001_audit_log.sql (the reference); see it for the why.
CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER NOT NULL PRIMARY KEY,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  occurred_at DATETIME NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id INTEGER NOT NULL DEFAULT 0,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL DEFAULT '',
  object_id TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',
  client_ip TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS idx_audit_log_action ON audit_log (action, id);
CREATE INDEX IF NOT EXISTS idx_audit_log_actor ON audit_log (actor_kind, actor_id, id);
CREATE INDEX IF NOT EXISTS idx_audit_log_object ON audit_log (object_type, object_id, id);
CREATE INDEX IF NOT EXISTS idx_audit_log_occurred ON audit_log (occurred_at);

CREATE TABLE IF NOT EXISTS audit_head (
  id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  last_id INTEGER NOT NULL,
  last_hash TEXT NOT NULL
);

INSERT OR IGNORE INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
