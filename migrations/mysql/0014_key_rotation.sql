-- Field-key rotation (issue 5, `portal keys rotate`): a new primary key is added to the
-- field-aead keyset and every stored ciphertext under an older key is re-encrypted in
-- bounded batches, resumable after a crash. Old keys stay in the keyset.
--
-- key_rotations: one row per rotation. from_key_id is the primary before it (so a run
-- that crashed between adding the key and recording it can tell the key was added),
-- target_key_id the new primary, set once (NULL until the key exists), rotated_at when
-- it was recorded. active is 1 while the rotation is in progress and NULL once it is
-- finished: the unique key allows one rotation in progress at a time.
CREATE TABLE IF NOT EXISTS key_rotations (
  id BIGINT NOT NULL AUTO_INCREMENT,
  from_key_id BIGINT NOT NULL,
  target_key_id BIGINT NULL,
  active TINYINT(1) NULL,
  started_at DATETIME(6) NOT NULL,
  rotated_at DATETIME(6) NULL,
  finished_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_key_rotations_active (active)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- key_rotation_progress: where the walk of one encrypted column (models.EncryptedColumns)
-- stands. last_pk is the last primary-key value processed ('' before the first batch;
-- integers in decimal), written in the same transaction as the batch's updates, so a
-- crash resumes after the last committed batch. done is set with the last batch.
-- batches counts committed batches; rows_scanned and rows_changed count the non-empty
-- values examined and the values re-encrypted.
CREATE TABLE IF NOT EXISTS key_rotation_progress (
  rotation_id BIGINT NOT NULL,
  table_name VARCHAR(64) NOT NULL,
  column_name VARCHAR(64) NOT NULL,
  last_pk VARCHAR(191) NOT NULL DEFAULT '',
  done TINYINT(1) NOT NULL DEFAULT 0,
  batches BIGINT NOT NULL DEFAULT 0,
  rows_scanned BIGINT NOT NULL DEFAULT 0,
  rows_changed BIGINT NOT NULL DEFAULT 0,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (rotation_id, table_name, column_name),
  CONSTRAINT fk_key_rotation_progress_rotation FOREIGN KEY (rotation_id) REFERENCES key_rotations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
