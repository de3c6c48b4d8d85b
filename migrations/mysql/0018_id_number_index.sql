-- Emergency access (issue 6) finds a patient by exact ID-document number. The number
-- stays encrypted (identities.id_number_enc); id_number_index is its keyed blind
-- index (hex HMAC, purpose "id_number", upper-cased, spaces removed), set whenever a
-- number is stored and cleared whenever it is removed. Not unique: uniqueness would
-- tell one patient that another holds a number.
ALTER TABLE identities ADD COLUMN id_number_index CHAR(64) NULL;
CREATE INDEX idx_identities_id_number ON identities (id_number_index);
