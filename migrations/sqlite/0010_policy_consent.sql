-- SQLite twin of migrations/mysql/0010_policy_consent.sql (the reference); see it for the why.
CREATE TABLE IF NOT EXISTS policy_versions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version TEXT NOT NULL,
  status TEXT NOT NULL,
  material INTEGER NOT NULL DEFAULT 0,
  title_zh TEXT NOT NULL,
  title_en TEXT NOT NULL,
  summary_zh TEXT NOT NULL,
  summary_en TEXT NOT NULL,
  body_zh TEXT NOT NULL,
  body_en TEXT NOT NULL,
  effective_at DATETIME NULL,
  sha256 TEXT NOT NULL DEFAULT '',
  created_by INTEGER NOT NULL DEFAULT 0,
  submitted_by INTEGER NULL,
  approved_by INTEGER NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  published_at DATETIME NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_policy_versions_version ON policy_versions (version);
CREATE INDEX IF NOT EXISTS idx_policy_versions_status ON policy_versions (status, effective_at);

CREATE TABLE IF NOT EXISTS consent_records (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  purpose TEXT NOT NULL,
  scope TEXT NOT NULL DEFAULT '',
  decision TEXT NOT NULL,
  policy_version_id INTEGER NULL,
  policy_sha256 TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL,
  client_ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_consent_records_user ON consent_records (user_id, purpose, scope, id);
CREATE INDEX IF NOT EXISTS idx_consent_records_purpose ON consent_records (purpose, decision, created_at);
CREATE INDEX IF NOT EXISTS idx_consent_records_version ON consent_records (policy_version_id, purpose, user_id);

-- migrate:begin
CREATE TRIGGER IF NOT EXISTS consent_records_no_update BEFORE UPDATE ON consent_records
BEGIN SELECT RAISE(ABORT, 'consent_records is append-only'); END;
-- migrate:end
-- migrate:begin
CREATE TRIGGER IF NOT EXISTS consent_records_no_delete BEFORE DELETE ON consent_records
BEGIN SELECT RAISE(ABORT, 'consent_records is append-only'); END;
-- migrate:end
