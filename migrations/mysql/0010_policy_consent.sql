-- Privacy-policy versions and consents (issue 4).
--
-- policy_versions: every version ever written. A draft may be edited; once published
-- a version is immutable (the domain refuses edits, and sha256 fixes its exact texts:
-- titles, summaries, bodies, material flag and effective date). status: draft,
-- pending (submitted, waiting for a second privacy officer), published.
CREATE TABLE IF NOT EXISTS policy_versions (
  id BIGINT NOT NULL AUTO_INCREMENT,
  version VARCHAR(32) NOT NULL,
  status VARCHAR(16) NOT NULL,
  material TINYINT(1) NOT NULL DEFAULT 0,
  title_zh VARCHAR(200) NOT NULL,
  title_en VARCHAR(200) NOT NULL,
  summary_zh TEXT NOT NULL,
  summary_en TEXT NOT NULL,
  body_zh MEDIUMTEXT NOT NULL,
  body_en MEDIUMTEXT NOT NULL,
  effective_at DATETIME(6) NULL,
  sha256 CHAR(64) NOT NULL DEFAULT '',
  created_by BIGINT NOT NULL DEFAULT 0,
  submitted_by BIGINT NULL,
  approved_by BIGINT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  published_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_policy_versions_version (version),
  KEY idx_policy_versions_status (status, effective_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- consent_records: append-only proof of every consent decision and of every notice
-- shown. The current state of a purpose is the newest decision row, derived on read,
-- never stored. decision: accepted, declined, withdrawn, notice_shown. scope narrows a
-- purpose (e.g. one doctor in one consultation); '' for the purpose as a whole.
-- client_ip is truncated and user_agent is a browser/OS summary. No foreign key to
-- users: the proof outlives the account. Triggers refuse UPDATE and DELETE.
CREATE TABLE IF NOT EXISTS consent_records (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  purpose VARCHAR(48) NOT NULL,
  scope VARCHAR(64) NOT NULL DEFAULT '',
  decision VARCHAR(16) NOT NULL,
  policy_version_id BIGINT NULL,
  policy_sha256 CHAR(64) NOT NULL DEFAULT '',
  channel VARCHAR(16) NOT NULL,
  client_ip VARCHAR(64) NOT NULL DEFAULT '',
  user_agent VARCHAR(255) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_consent_records_user (user_id, purpose, scope, id),
  KEY idx_consent_records_purpose (purpose, decision, created_at),
  KEY idx_consent_records_version (policy_version_id, purpose, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DROP TRIGGER IF EXISTS consent_records_no_update;
CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'consent_records is append-only';
DROP TRIGGER IF EXISTS consent_records_no_delete;
CREATE TRIGGER consent_records_no_delete BEFORE DELETE ON consent_records FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'consent_records is append-only';
