-- SQLite twin of migrations/mysql/0016_access_log.sql (the reference); see it for the why.
CREATE TABLE IF NOT EXISTS access_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  patient_id INTEGER NOT NULL,
  viewer_id INTEGER NOT NULL,
  viewer_kind TEXT NOT NULL,
  item_type TEXT NOT NULL,
  item_id TEXT NOT NULL,
  item_category TEXT NOT NULL DEFAULT '',
  basis TEXT NOT NULL,
  basis_id INTEGER NULL,
  emergency BOOLEAN NOT NULL DEFAULT FALSE,
  created_at DATETIME NOT NULL,
  request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS idx_access_log_patient ON access_log (patient_id, id);
CREATE INDEX IF NOT EXISTS idx_access_log_patient_viewer ON access_log (patient_id, viewer_id, id);
CREATE INDEX IF NOT EXISTS idx_access_log_patient_basis ON access_log (patient_id, basis, id);
