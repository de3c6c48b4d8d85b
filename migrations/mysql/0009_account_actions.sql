-- Staff actions on accounts (issue 3, "Staff"): locks, unlocks and MFA resets, each
-- with the reason the admin gave. The reason is free text and may name a person, so it
-- is stored encrypted (Tink AEAD bound to this table, the column, the row and the
-- account) and never copied into the audit log: the audit row of the action carries
-- only this row's id. users.status_reason says which kind of lock holds an account.
CREATE TABLE IF NOT EXISTS account_actions (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  actor_id BIGINT NOT NULL,
  action VARCHAR(32) NOT NULL,
  reason_enc TEXT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_account_actions_user (user_id, id),
  CONSTRAINT fk_account_actions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
