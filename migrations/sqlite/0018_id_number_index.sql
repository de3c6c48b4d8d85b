-- SQLite twin of migrations/mysql/0018_id_number_index.sql (the reference).
ALTER TABLE identities ADD COLUMN id_number_index TEXT NULL;
CREATE INDEX IF NOT EXISTS idx_identities_id_number ON identities (id_number_index);
