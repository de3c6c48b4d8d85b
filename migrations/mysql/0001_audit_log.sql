-- Tamper-evident, append-only audit log (DESIGN.md §4 invariant 6).
-- Rows form a SHA-256 hash chain; audit_head is the single-row chain head that
-- appends lock to serialize, so the chain never forks. The application assigns
-- id = audit_head.last_id + 1 itself (no AUTO_INCREMENT): ids are then contiguous
-- by construction, and a gap means a deleted row.
-- Re-run safe (IF NOT EXISTS, INSERT IGNORE): MySQL DDL is not transactional.
-- details is short JSON with no health data, secrets or full identifiers (invariant 10).
CREATE TABLE IF NOT EXISTS audit_log (
  id BIGINT NOT NULL,
  prev_hash CHAR(64) NOT NULL,
  hash CHAR(64) NOT NULL,
  occurred_at DATETIME(6) NOT NULL,
  actor_kind VARCHAR(16) NOT NULL,
  actor_id BIGINT NOT NULL DEFAULT 0,
  action VARCHAR(64) NOT NULL,
  object_type VARCHAR(64) NOT NULL DEFAULT '',
  object_id VARCHAR(64) NOT NULL DEFAULT '',
  outcome VARCHAR(16) NOT NULL,
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  client_ip VARCHAR(45) NOT NULL DEFAULT '',
  details VARCHAR(2048) NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  KEY idx_audit_log_action (action, id),
  KEY idx_audit_log_actor (actor_kind, actor_id, id),
  KEY idx_audit_log_object (object_type, object_id, id),
  KEY idx_audit_log_occurred (occurred_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS audit_head (
  id TINYINT NOT NULL,
  last_id BIGINT NOT NULL,
  last_hash CHAR(64) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
