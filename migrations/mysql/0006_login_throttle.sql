-- Failed sign-in counters, per account and per client IP, shared by every app server
-- (DESIGN.md §8: no in-memory limits). key_hash is a keyed hash of "account:<id>" or
-- "ip:<address>", so the table holds neither identifiers nor addresses.
CREATE TABLE IF NOT EXISTS login_throttle (
  key_hash CHAR(64) NOT NULL,
  failures INT NOT NULL DEFAULT 0,
  window_start DATETIME(6) NOT NULL,
  next_allowed_at DATETIME(6) NOT NULL,
  locked_until DATETIME(6) NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (key_hash),
  KEY idx_login_throttle_updated (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
