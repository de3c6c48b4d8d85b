-- SQLite twin of migrations/mysql/0007_accounts.sql (the reference); see it for the why.
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  username TEXT NULL,
  phone_index TEXT NULL,
  phone_enc TEXT NULL,
  email_index TEXT NULL,
  email_enc TEXT NULL,
  password_hash TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active',
  status_reason TEXT NOT NULL DEFAULT '',
  capabilities TEXT NOT NULL DEFAULT '',
  mfa_secret_enc TEXT NULL,
  mfa_pending_enc TEXT NULL,
  mfa_last_step INTEGER NOT NULL DEFAULT 0,
  mfa_enabled_at DATETIME NULL,
  terms_version TEXT NOT NULL DEFAULT '',
  terms_accepted_at DATETIME NULL,
  password_changed_at DATETIME NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_users_username ON users (username);
CREATE UNIQUE INDEX IF NOT EXISTS uq_users_phone ON users (phone_index);
CREATE UNIQUE INDEX IF NOT EXISTS uq_users_email ON users (email_index);
CREATE INDEX IF NOT EXISTS idx_users_kind_status ON users (kind, status, id);

CREATE TABLE IF NOT EXISTS identities (
  user_id INTEGER NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  real_name_enc TEXT NULL,
  gender TEXT NOT NULL DEFAULT '',
  birthday_enc TEXT NULL,
  birthplace_enc TEXT NULL,
  id_type TEXT NOT NULL DEFAULT '',
  id_number_enc TEXT NULL,
  updated_at DATETIME NOT NULL
);

CREATE TABLE IF NOT EXISTS recovery_codes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at DATETIME NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_recovery_codes_user ON recovery_codes (user_id, code_hash);

CREATE TABLE IF NOT EXISTS doctor_profiles (
  user_id INTEGER NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  real_name TEXT NOT NULL,
  hospital TEXT NOT NULL,
  department TEXT NOT NULL,
  title TEXT NOT NULL,
  specialty TEXT NOT NULL DEFAULT '',
  licence_number TEXT NOT NULL,
  status TEXT NOT NULL,
  review_reason TEXT NOT NULL DEFAULT '',
  reviewed_by INTEGER NULL,
  reviewed_at DATETIME NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_doctor_profiles_status ON doctor_profiles (status, created_at);

CREATE TABLE IF NOT EXISTS doctor_licences (
  user_id INTEGER NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  data_enc BLOB NOT NULL,
  created_at DATETIME NOT NULL
);

CREATE TABLE IF NOT EXISTS enrollment_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL,
  created_by INTEGER NOT NULL DEFAULT 0,
  created_at DATETIME NOT NULL,
  expires_at DATETIME NOT NULL,
  used_at DATETIME NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_enrollment_tokens_hash ON enrollment_tokens (token_hash);
CREATE INDEX IF NOT EXISTS idx_enrollment_tokens_user ON enrollment_tokens (user_id);
