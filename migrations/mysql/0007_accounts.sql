-- Accounts (issue 3): patients, doctors and staff share one users table; kind says which.
-- Contact data is L2: phone and e-mail are stored encrypted (Tink AEAD bound to the row)
-- with a keyed blind index (hex HMAC) for sign-in lookups and uniqueness. The username
-- is stored lower-cased in clear: it is chosen to be shown. password_hash is an argon2id
-- PHC string carrying its own parameters ('' until an invited staff member enrols).
-- capabilities is a comma-separated set for staff (support, privacy_officer, admin).
-- The TOTP secret is encrypted; mfa_last_step is the last accepted time step, so a code
-- is never accepted twice. terms_* keep what the consent issue needs from registration.
CREATE TABLE IF NOT EXISTS users (
  id BIGINT NOT NULL AUTO_INCREMENT,
  kind VARCHAR(16) NOT NULL,
  username VARCHAR(32) NULL,
  phone_index CHAR(64) NULL,
  phone_enc TEXT NULL,
  email_index CHAR(64) NULL,
  email_enc TEXT NULL,
  password_hash VARCHAR(255) NOT NULL DEFAULT '',
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  status_reason VARCHAR(255) NOT NULL DEFAULT '',
  capabilities VARCHAR(128) NOT NULL DEFAULT '',
  mfa_secret_enc TEXT NULL,
  mfa_pending_enc TEXT NULL,
  mfa_last_step BIGINT NOT NULL DEFAULT 0,
  mfa_enabled_at DATETIME(6) NULL,
  terms_version VARCHAR(32) NOT NULL DEFAULT '',
  terms_accepted_at DATETIME(6) NULL,
  password_changed_at DATETIME(6) NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_users_username (username),
  UNIQUE KEY uq_users_phone (phone_index),
  UNIQUE KEY uq_users_email (email_index),
  KEY idx_users_kind_status (kind, status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Identity details a patient gives (policy 个人身份信息). Every value but gender and the
-- document type is encrypted with AD naming this table, the column and the user; the
-- ID number is L3 and is only ever shown masked unless the owner re-enters the password.
CREATE TABLE IF NOT EXISTS identities (
  user_id BIGINT NOT NULL,
  real_name_enc TEXT NULL,
  gender VARCHAR(8) NOT NULL DEFAULT '',
  birthday_enc TEXT NULL,
  birthplace_enc TEXT NULL,
  id_type VARCHAR(16) NOT NULL DEFAULT '',
  id_number_enc TEXT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (user_id),
  CONSTRAINT fk_identities_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- MFA recovery codes: shown once, stored as keyed hashes, each usable once.
CREATE TABLE IF NOT EXISTS recovery_codes (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  code_hash CHAR(64) NOT NULL,
  used_at DATETIME(6) NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_recovery_codes_user (user_id, code_hash),
  CONSTRAINT fk_recovery_codes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A doctor's professional profile and its verification. Name, hospital, department and
-- title become public once verified (the doctor directory); the licence number is
-- shown only to admins. status: pending, verified, rejected, suspended.
CREATE TABLE IF NOT EXISTS doctor_profiles (
  user_id BIGINT NOT NULL,
  real_name VARCHAR(64) NOT NULL,
  hospital VARCHAR(128) NOT NULL,
  department VARCHAR(64) NOT NULL,
  title VARCHAR(32) NOT NULL,
  specialty VARCHAR(255) NOT NULL DEFAULT '',
  licence_number VARCHAR(32) NOT NULL,
  status VARCHAR(16) NOT NULL,
  review_reason VARCHAR(500) NOT NULL DEFAULT '',
  reviewed_by BIGINT NULL,
  reviewed_at DATETIME(6) NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (user_id),
  KEY idx_doctor_profiles_status (status, created_at),
  CONSTRAINT fk_doctor_profiles_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The licence document a doctor uploads, encrypted (AEAD bound to the doctor) and kept
-- in the row: one small file per doctor, read only by admins during verification.
CREATE TABLE IF NOT EXISTS doctor_licences (
  user_id BIGINT NOT NULL,
  content_type VARCHAR(64) NOT NULL,
  size BIGINT NOT NULL,
  sha256 CHAR(64) NOT NULL,
  data_enc LONGBLOB NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (user_id),
  CONSTRAINT fk_doctor_licences_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One-time links that let an invited staff member set a password and enrol MFA.
-- Only the SHA-256 of the token is stored.
CREATE TABLE IF NOT EXISTS enrollment_tokens (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  token_hash CHAR(64) NOT NULL,
  created_by BIGINT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  used_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_enrollment_tokens_hash (token_hash),
  KEY idx_enrollment_tokens_user (user_id),
  CONSTRAINT fk_enrollment_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
