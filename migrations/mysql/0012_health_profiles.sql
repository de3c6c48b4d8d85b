-- The patient's health profile (issue 5): diagnoses, drug allergies, height, weight,
-- marital status and the four histories — sensitive personal information (L3).
--
-- One row per save; the newest version is the profile, older ones are its history.
-- A saved version's content never changes (key rotation only re-encrypts data_enc)
-- and rows go only with the account. data_enc is the whole profile as JSON, sealed
-- with Tink AEAD (field-aead keyset, base64) and bound by associated data to table
-- health_profiles, column data_enc, this row's id and the owner (user_id): a
-- ciphertext copied to another row or another patient fails to decrypt. Nothing else
-- in the row is health data: version, time and who saved it.
CREATE TABLE IF NOT EXISTS health_profiles (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  version INT NOT NULL,
  data_enc MEDIUMTEXT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  created_by BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_health_profiles_user_version (user_id, version),
  CONSTRAINT fk_health_profiles_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
