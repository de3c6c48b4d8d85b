-- Consultations, patient-controlled grants and emergency access (issue 6).
--
-- A consultation is one question from a patient to one doctor. Its grant is what the
-- patient shares with that doctor: the rows of consultation_shares (a health-profile
-- section, a whole document category, or one document) while the grant is active:
-- not revoked (grant_revoked_at NULL), and either the consultation is open or
-- grant_until (closed_at + share_days, set at close) is still ahead. Every doctor
-- read joins these columns (models/consultation_scope.go), so revocation and expiry
-- take effect on the next request. The question, the messages, the emergency
-- justification and the review note are field-AEAD ciphertexts (*_enc).
CREATE TABLE IF NOT EXISTS consultations (
  id BIGINT NOT NULL AUTO_INCREMENT,
  patient_id BIGINT NOT NULL,
  doctor_id BIGINT NOT NULL,
  status VARCHAR(16) NOT NULL,
  question_enc TEXT NOT NULL,
  share_days INT NOT NULL,
  grant_revoked_at DATETIME(6) NULL,
  grant_until DATETIME(6) NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  closed_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY idx_consultations_doctor_queue (doctor_id, status, updated_at, id),
  KEY idx_consultations_patient (patient_id, updated_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- item is a profile section (allergies, diagnoses, histories, basics), a document
-- category (record, imaging, lab, exam, other; document_id 0) or 'document' with
-- the one document's id.
CREATE TABLE IF NOT EXISTS consultation_shares (
  consultation_id BIGINT NOT NULL,
  item VARCHAR(24) NOT NULL,
  document_id BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (consultation_id, item, document_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS consultation_messages (
  id BIGINT NOT NULL AUTO_INCREMENT,
  consultation_id BIGINT NOT NULL,
  sender_id BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  body_enc TEXT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_consultation_messages (consultation_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Break-glass: a doctor's time-boxed read of a patient's critical items, with the
-- reason code and justification, and a privacy officer's review.
CREATE TABLE IF NOT EXISTS emergency_accesses (
  id BIGINT NOT NULL AUTO_INCREMENT,
  doctor_id BIGINT NOT NULL,
  patient_id BIGINT NOT NULL,
  reason VARCHAR(32) NOT NULL,
  justification_enc TEXT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  review_status VARCHAR(16) NOT NULL DEFAULT 'pending',
  reviewer_id BIGINT NULL,
  review_note_enc TEXT NULL,
  reviewed_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY idx_emergency_doctor (doctor_id, expires_at),
  KEY idx_emergency_patient (patient_id, id),
  KEY idx_emergency_review (review_status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
