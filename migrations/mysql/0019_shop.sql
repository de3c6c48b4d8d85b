-- Shop and orders (issue 7). Money is integer fen (CNY), never floating point.
-- Personal fields of addresses and orders (consignee name, phone, street) are
-- field-AEAD ciphertexts (*_enc) bound to their row and owner; the region code and
-- the postcode stay clear for delivery areas. Order items copy the product's name
-- and price at checkout, so an order never changes when the catalogue does.
CREATE TABLE IF NOT EXISTS products (
  id BIGINT NOT NULL AUTO_INCREMENT,
  kind VARCHAR(16) NOT NULL,
  name_zh VARCHAR(100) NOT NULL,
  name_en VARCHAR(100) NOT NULL,
  description_zh TEXT NOT NULL,
  description_en TEXT NOT NULL,
  price_fen BIGINT NOT NULL,
  available BOOLEAN NOT NULL DEFAULT TRUE,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_products_list (available, kind, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS product_images (
  id BIGINT NOT NULL AUTO_INCREMENT,
  product_id BIGINT NOT NULL,
  position INT NOT NULL,
  content_type VARCHAR(32) NOT NULL,
  data MEDIUMBLOB NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_product_images (product_id, position)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS cart_items (
  user_id BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  quantity INT NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (user_id, product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS addresses (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  name_enc TEXT NOT NULL,
  phone_enc TEXT NOT NULL,
  region_code CHAR(6) NOT NULL,
  street_enc TEXT NOT NULL,
  postcode CHAR(6) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_addresses_user (user_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- order_no is the public number (shown, sent to providers); id never leaves.
-- for_other marks an order whose consignee is another person; its authorization
-- row is written first, in the same transaction (order_authorizations).
CREATE TABLE IF NOT EXISTS orders (
  id BIGINT NOT NULL AUTO_INCREMENT,
  order_no VARCHAR(24) NOT NULL,
  user_id BIGINT NOT NULL,
  status VARCHAR(24) NOT NULL,
  total_fen BIGINT NOT NULL,
  idempotency_key VARCHAR(64) NOT NULL,
  consignee_enc TEXT NOT NULL,
  phone_enc TEXT NOT NULL,
  region_code CHAR(6) NOT NULL,
  street_enc TEXT NOT NULL,
  postcode CHAR(6) NOT NULL,
  for_other BOOLEAN NOT NULL DEFAULT FALSE,
  authorization_id BIGINT NULL,
  payment_provider VARCHAR(24) NOT NULL DEFAULT '',
  payment_ref VARCHAR(64) NOT NULL DEFAULT '',
  carrier VARCHAR(32) NOT NULL DEFAULT '',
  tracking_no VARCHAR(64) NOT NULL DEFAULT '',
  expires_at DATETIME(6) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_orders_no (order_no),
  UNIQUE KEY uq_orders_idempotency (user_id, idempotency_key),
  KEY idx_orders_user (user_id, status, id),
  KEY idx_orders_queue (status, id),
  KEY idx_orders_expiry (status, expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS order_items (
  id BIGINT NOT NULL AUTO_INCREMENT,
  order_id BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  name_zh VARCHAR(100) NOT NULL,
  name_en VARCHAR(100) NOT NULL,
  unit_fen BIGINT NOT NULL,
  quantity INT NOT NULL,
  PRIMARY KEY (id),
  KEY idx_order_items (order_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The timeline: every state change with who made it.
CREATE TABLE IF NOT EXISTS order_events (
  id BIGINT NOT NULL AUTO_INCREMENT,
  order_id BIGINT NOT NULL,
  from_status VARCHAR(24) NOT NULL,
  to_status VARCHAR(24) NOT NULL,
  actor_kind VARCHAR(16) NOT NULL,
  actor_id BIGINT NOT NULL DEFAULT 0,
  detail VARCHAR(64) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_order_events (order_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The orderer's statement that the consignee authorized the order, kept as proof:
-- the relationship, the statement's version, and whether the consignee confirmed
-- by a one-time code sent to their phone.
CREATE TABLE IF NOT EXISTS order_authorizations (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  relationship VARCHAR(16) NOT NULL,
  statement VARCHAR(32) NOT NULL,
  code_confirmed BOOLEAN NOT NULL DEFAULT FALSE,
  client_ip VARCHAR(64) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_order_authorizations_user (user_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Each payment notification once: (provider, notification_id) is unique, so a
-- notification delivered again, or twenty times at once, changes the order once.
CREATE TABLE IF NOT EXISTS payment_notifications (
  id BIGINT NOT NULL AUTO_INCREMENT,
  provider VARCHAR(24) NOT NULL,
  notification_id VARCHAR(64) NOT NULL,
  order_id BIGINT NOT NULL,
  amount_fen BIGINT NOT NULL,
  outcome VARCHAR(16) NOT NULL,
  received_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_payment_notifications (provider, notification_id),
  KEY idx_payment_notifications_order (order_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS after_sales (
  id BIGINT NOT NULL AUTO_INCREMENT,
  order_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  reason_enc TEXT NOT NULL,
  status VARCHAR(16) NOT NULL,
  resolution_enc TEXT NULL,
  resolver_id BIGINT NULL,
  created_at DATETIME(6) NOT NULL,
  resolved_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY idx_after_sales_order (order_id, id),
  KEY idx_after_sales_queue (status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Support: a patient's conversation (about an order or in general) with support.
CREATE TABLE IF NOT EXISTS support_conversations (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  order_id BIGINT NULL,
  subject_enc TEXT NOT NULL,
  status VARCHAR(16) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_support_user (user_id, updated_at, id),
  KEY idx_support_queue (status, updated_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS support_messages (
  id BIGINT NOT NULL AUTO_INCREMENT,
  conversation_id BIGINT NOT NULL,
  sender_id BIGINT NOT NULL,
  from_staff BOOLEAN NOT NULL,
  body_enc TEXT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_support_messages (conversation_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A staff member's unmasking of an order's consignee contact, with the reason.
CREATE TABLE IF NOT EXISTS order_unmasks (
  id BIGINT NOT NULL AUTO_INCREMENT,
  order_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  staff_id BIGINT NOT NULL,
  reason_enc TEXT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_order_unmasks (order_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Disclosure log: every hand-over of a person's data to a third party (payment
-- provider, logistics, …): recipient, purpose, the fields, legal basis, and what it
-- was for. The person sees it next to their access log. Append-only.
CREATE TABLE IF NOT EXISTS disclosures (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  recipient VARCHAR(48) NOT NULL,
  purpose VARCHAR(32) NOT NULL,
  fields VARCHAR(255) NOT NULL,
  legal_basis VARCHAR(32) NOT NULL,
  ref_type VARCHAR(16) NOT NULL,
  ref_id BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_disclosures_user (user_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
