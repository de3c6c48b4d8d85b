-- Medical documents (issue 5): a patient's records, imaging exams, lab tests and exam
-- reports, each with one or more files. L3 data: title, hospital and notes are
-- encrypted with the field AEAD, with associated data naming the table, the column, the
-- row and the owner (a value copied to another row does not decrypt). Category and date
-- stay in clear: the list filters and pages by them, and neither says more than "a lab
-- test on that day". IDs are random 63-bit numbers the portal chooses before the INSERT,
-- because the associated data binds each ciphertext to its row's ID.
CREATE TABLE IF NOT EXISTS documents (
  id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  category VARCHAR(16) NOT NULL,
  title_enc TEXT NOT NULL,
  hospital_enc TEXT NOT NULL,
  notes_enc TEXT NOT NULL,
  doc_date DATE NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_documents_user_date (user_id, doc_date, id),
  KEY idx_documents_user_category (user_id, category, doc_date, id),
  CONSTRAINT fk_documents_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The files of a document. Each file has its own Tink streaming-AEAD keyset (key_enc:
-- an EncryptedKeyset sealed by the field AEAD, associated data document_files.key, the
-- row's id and the owner); the blob (and the thumbnail blob of an image) hold only
-- ciphertext under that key. Deleting the row destroys the key: copies of the blobs
-- become unreadable. content_type is what the server sniffed from the bytes, never what
-- the browser claimed; size is the plaintext size; blob_sha256 is the SHA-256 of the
-- stored ciphertext, to check storage without any key. No original file name is kept
-- (it often carries a name); downloads get a server-made one.
CREATE TABLE IF NOT EXISTS document_files (
  id BIGINT NOT NULL,
  document_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  position INT NOT NULL,
  blob_name VARCHAR(64) NOT NULL,
  thumb_blob_name VARCHAR(64) NULL,
  content_type VARCHAR(64) NOT NULL,
  size BIGINT NOT NULL,
  blob_sha256 CHAR(64) NOT NULL,
  key_enc VARBINARY(1024) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_document_files_blob (blob_name),
  KEY idx_document_files_thumb (thumb_blob_name),
  KEY idx_document_files_document (document_id, position),
  KEY idx_document_files_user (user_id),
  CONSTRAINT fk_document_files_document FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Blobs written but not (yet) referenced by a committed row: an upload records each
-- blob name here before it writes the blob, and the transaction that stores the
-- document deletes these rows; a deletion records the names of the blobs it is about to
-- remove. Whatever is still here an hour later belongs to an upload that failed or a
-- process that crashed, and the start-up sweep deletes the blob and the row.
CREATE TABLE IF NOT EXISTS pending_blobs (
  name VARCHAR(64) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (name),
  KEY idx_pending_blobs_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
