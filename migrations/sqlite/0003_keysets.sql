-- SQLite twin of migrations/mysql/0003_keysets.sql (the reference); see it for the why.
CREATE TABLE IF NOT EXISTS keysets (
  name TEXT NOT NULL PRIMARY KEY,
  keyset BLOB NOT NULL,
  updated_at DATETIME NOT NULL
);
