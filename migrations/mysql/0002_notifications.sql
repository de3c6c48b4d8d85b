-- In-app inbox (DESIGN.md §5 Notifications). One row per notice; e-mail and SMS are
-- sent directly and leave no row here. Bodies are service/marketing text, never health
-- data (L3 lives encrypted elsewhere). No foreign key to users: that table comes in a
-- later migration, so account deletion must delete a user's notifications explicitly.
CREATE TABLE IF NOT EXISTS notifications (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  subject VARCHAR(200) NOT NULL,
  body TEXT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  read_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY idx_notifications_user (user_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
