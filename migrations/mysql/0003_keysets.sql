-- Tink keysets of internal/keys (field-aead, blind-index, file-streaming), one
-- row per keyset name. keyset is Tink's binary EncryptedKeyset: the keyset is
-- encrypted with the master key (AES-256-GCM, associated data = name), so this
-- table alone holds no usable key material. Rows are inserted once (INSERT
-- that ignores a duplicate, then re-read) and rewritten only by rotation.
CREATE TABLE IF NOT EXISTS keysets (
  name VARCHAR(64) NOT NULL,
  keyset MEDIUMBLOB NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
