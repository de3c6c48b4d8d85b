-- SQLite twin of migrations/mysql/0009_account_actions.sql (the reference); see it for the why.
CREATE TABLE IF NOT EXISTS account_actions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  actor_id INTEGER NOT NULL,
  action TEXT NOT NULL,
  reason_enc TEXT NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_account_actions_user ON account_actions (user_id, id);
