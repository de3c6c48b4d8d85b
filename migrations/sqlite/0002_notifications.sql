-- SQLite twin of migrations/mysql/0002_notifications.sql (the reference); see it for the why.
CREATE TABLE IF NOT EXISTS notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  read_at DATETIME NULL
);
CREATE INDEX IF NOT EXISTS idx_notifications_user ON notifications (user_id, id);
