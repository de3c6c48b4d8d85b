-- Access log (issue 6): one row for every read of a patient's data by anyone, in the
-- same request (and, for scoped reads, the same transaction) as the read. Patient
-- visible ("who viewed my data"). Append-only: nothing updates or deletes a row.
-- item_id is an internal id, never a title; item_category is the document category
-- code (record, lab, …) copied at read time, so the label survives a deleted document.
-- basis_id is the consultation or emergency id (NULL for owner and disclosure reads).
CREATE TABLE IF NOT EXISTS access_log (
  id BIGINT NOT NULL AUTO_INCREMENT,
  patient_id BIGINT NOT NULL,
  viewer_id BIGINT NOT NULL,
  viewer_kind VARCHAR(16) NOT NULL,
  item_type VARCHAR(32) NOT NULL,
  item_id VARCHAR(64) NOT NULL,
  item_category VARCHAR(16) NOT NULL DEFAULT '',
  basis VARCHAR(16) NOT NULL,
  basis_id BIGINT NULL,
  emergency BOOLEAN NOT NULL DEFAULT FALSE,
  created_at DATETIME(6) NOT NULL,
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  KEY idx_access_log_patient (patient_id, id),
  KEY idx_access_log_patient_viewer (patient_id, viewer_id, id),
  KEY idx_access_log_patient_basis (patient_id, basis, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
