-- SQLite twin of migrations/mysql/0014_key_rotation.sql (the reference); see it for the why.
CREATE TABLE IF NOT EXISTS key_rotations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  from_key_id INTEGER NOT NULL,
  target_key_id INTEGER NULL,
  active INTEGER NULL,
  started_at DATETIME NOT NULL,
  rotated_at DATETIME NULL,
  finished_at DATETIME NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_key_rotations_active ON key_rotations (active);

CREATE TABLE IF NOT EXISTS key_rotation_progress (
  rotation_id INTEGER NOT NULL REFERENCES key_rotations (id) ON DELETE CASCADE,
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  last_pk TEXT NOT NULL DEFAULT '',
  done INTEGER NOT NULL DEFAULT 0,
  batches INTEGER NOT NULL DEFAULT 0,
  rows_scanned INTEGER NOT NULL DEFAULT 0,
  rows_changed INTEGER NOT NULL DEFAULT 0,
  updated_at DATETIME NOT NULL,
  PRIMARY KEY (rotation_id, table_name, column_name)
);
