-- One-time codes that prove ownership of a phone number or e-mail address (sign-up,
-- password reset, contact change). The code itself is never stored: code_hash is a
-- keyed hash, and target_hash is the blind index of the phone/e-mail, so this table
-- holds no contact data. Rows are kept briefly for the resend cooldown and hourly cap.
CREATE TABLE IF NOT EXISTS verification_codes (
  id BIGINT NOT NULL AUTO_INCREMENT,
  purpose VARCHAR(32) NOT NULL,
  channel VARCHAR(16) NOT NULL,
  target_hash CHAR(64) NOT NULL,
  code_hash CHAR(64) NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  consumed_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY idx_verification_target (purpose, target_hash, id),
  KEY idx_verification_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
