-- SQLite twin of migrations/mysql/0013_documents.sql (the reference); see it for the why.
CREATE TABLE IF NOT EXISTS documents (
  id INTEGER NOT NULL PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  category TEXT NOT NULL,
  title_enc TEXT NOT NULL,
  hospital_enc TEXT NOT NULL,
  notes_enc TEXT NOT NULL,
  doc_date DATE NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_documents_user_date ON documents (user_id, doc_date, id);
CREATE INDEX IF NOT EXISTS idx_documents_user_category ON documents (user_id, category, doc_date, id);

CREATE TABLE IF NOT EXISTS document_files (
  id INTEGER NOT NULL PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  blob_name TEXT NOT NULL,
  thumb_blob_name TEXT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  blob_sha256 TEXT NOT NULL,
  key_enc BLOB NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_document_files_blob ON document_files (blob_name);
CREATE INDEX IF NOT EXISTS idx_document_files_thumb ON document_files (thumb_blob_name);
CREATE INDEX IF NOT EXISTS idx_document_files_document ON document_files (document_id, position);
CREATE INDEX IF NOT EXISTS idx_document_files_user ON document_files (user_id);

CREATE TABLE IF NOT EXISTS pending_blobs (
  name TEXT NOT NULL PRIMARY KEY,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_pending_blobs_created ON pending_blobs (created_at);
