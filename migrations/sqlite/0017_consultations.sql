-- SQLite twin of migrations/mysql/0017_consultations.sql (the reference); see it for the why.
CREATE TABLE IF NOT EXISTS consultations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  patient_id INTEGER NOT NULL,
  doctor_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  question_enc TEXT NOT NULL,
  share_days INTEGER NOT NULL,
  grant_revoked_at DATETIME NULL,
  grant_until DATETIME NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  closed_at DATETIME NULL
);
CREATE INDEX IF NOT EXISTS idx_consultations_doctor_queue ON consultations (doctor_id, status, updated_at, id);
CREATE INDEX IF NOT EXISTS idx_consultations_patient ON consultations (patient_id, updated_at, id);

CREATE TABLE IF NOT EXISTS consultation_shares (
  consultation_id INTEGER NOT NULL,
  item TEXT NOT NULL,
  document_id INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (consultation_id, item, document_id)
);

CREATE TABLE IF NOT EXISTS consultation_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  consultation_id INTEGER NOT NULL,
  sender_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  body_enc TEXT NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_consultation_messages ON consultation_messages (consultation_id, id);

CREATE TABLE IF NOT EXISTS emergency_accesses (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  doctor_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  reason TEXT NOT NULL,
  justification_enc TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  expires_at DATETIME NOT NULL,
  review_status TEXT NOT NULL DEFAULT 'pending',
  reviewer_id INTEGER NULL,
  review_note_enc TEXT NULL,
  reviewed_at DATETIME NULL
);
CREATE INDEX IF NOT EXISTS idx_emergency_doctor ON emergency_accesses (doctor_id, expires_at);
CREATE INDEX IF NOT EXISTS idx_emergency_patient ON emergency_accesses (patient_id, id);
CREATE INDEX IF NOT EXISTS idx_emergency_review ON emergency_accesses (review_status, id);
