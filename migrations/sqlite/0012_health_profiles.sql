-- SQLite twin of migrations/mysql/0012_health_profiles.sql (the reference); see it for the why.
CREATE TABLE IF NOT EXISTS health_profiles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  data_enc TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  created_by INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_health_profiles_user_version ON health_profiles (user_id, version);
