-- Server-side sessions (DESIGN.md §5 Sessions, issue 3; code in internal/session).
-- The browser's cookie carries a random 32-byte ID; only its SHA-256 hex is stored
-- here, so a dump of this table holds no usable token. user_id 0 is an anonymous
-- session. Rows end by deletion (sign-out, rotation, Sweep) or by revoked_at
-- (lock, password reset, sign-out of one device), which keeps the row until it
-- would expire anyway so the next request can tell why it was signed out.
-- user_agent is a browser/OS summary and client_ip a truncated address (/24, /48):
-- never the raw header or full address. data holds base64 gob of non-secret values.
-- Re-run safe (IF NOT EXISTS): MySQL DDL is not transactional.
CREATE TABLE IF NOT EXISTS sessions (
  id_hash CHAR(64) NOT NULL,
  user_id BIGINT NOT NULL DEFAULT 0,
  user_kind VARCHAR(16) NOT NULL DEFAULT '',
  data MEDIUMTEXT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  last_seen_at DATETIME(6) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  idle_timeout_seconds INT NOT NULL,
  revoked_at DATETIME(6) NULL,
  revoke_reason VARCHAR(32) NOT NULL DEFAULT '',
  user_agent VARCHAR(255) NOT NULL DEFAULT '',
  client_ip VARCHAR(64) NOT NULL DEFAULT '',
  PRIMARY KEY (id_hash),
  KEY idx_sessions_user (user_id, revoked_at),
  KEY idx_sessions_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
