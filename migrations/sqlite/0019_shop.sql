-- SQLite twin of migrations/mysql/0019_shop.sql (the reference); see it for the why.

CREATE TABLE IF NOT EXISTS products (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  description_zh TEXT NOT NULL,
  description_en TEXT NOT NULL,
  price_fen INTEGER NOT NULL,
  available BOOLEAN NOT NULL DEFAULT TRUE,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_products_list ON products (available, kind, id);

CREATE TABLE IF NOT EXISTS product_images (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  product_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  data BLOB NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_product_images ON product_images (product_id, position);

CREATE TABLE IF NOT EXISTS cart_items (
  user_id INTEGER NOT NULL,
  product_id INTEGER NOT NULL,
  quantity INTEGER NOT NULL,
  updated_at DATETIME NOT NULL,
  PRIMARY KEY (user_id, product_id)
);

CREATE TABLE IF NOT EXISTS addresses (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  name_enc TEXT NOT NULL,
  phone_enc TEXT NOT NULL,
  region_code TEXT NOT NULL,
  street_enc TEXT NOT NULL,
  postcode TEXT NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_addresses_user ON addresses (user_id, id);

CREATE TABLE IF NOT EXISTS orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  order_no TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  total_fen INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL,
  consignee_enc TEXT NOT NULL,
  phone_enc TEXT NOT NULL,
  region_code TEXT NOT NULL,
  street_enc TEXT NOT NULL,
  postcode TEXT NOT NULL,
  for_other BOOLEAN NOT NULL DEFAULT FALSE,
  authorization_id INTEGER NULL,
  payment_provider TEXT NOT NULL DEFAULT '',
  payment_ref TEXT NOT NULL DEFAULT '',
  carrier TEXT NOT NULL DEFAULT '',
  tracking_no TEXT NOT NULL DEFAULT '',
  expires_at DATETIME NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_orders_no ON orders (order_no);
CREATE UNIQUE INDEX IF NOT EXISTS uq_orders_idempotency ON orders (user_id, idempotency_key);
CREATE INDEX IF NOT EXISTS idx_orders_user ON orders (user_id, status, id);
CREATE INDEX IF NOT EXISTS idx_orders_queue ON orders (status, id);
CREATE INDEX IF NOT EXISTS idx_orders_expiry ON orders (status, expires_at);

CREATE TABLE IF NOT EXISTS order_items (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id INTEGER NOT NULL,
  product_id INTEGER NOT NULL,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  unit_fen INTEGER NOT NULL,
  quantity INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_order_items ON order_items (order_id);

CREATE TABLE IF NOT EXISTS order_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id INTEGER NOT NULL,
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id INTEGER NOT NULL DEFAULT 0,
  detail TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_order_events ON order_events (order_id, id);

CREATE TABLE IF NOT EXISTS order_authorizations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  relationship TEXT NOT NULL,
  statement TEXT NOT NULL,
  code_confirmed BOOLEAN NOT NULL DEFAULT FALSE,
  client_ip TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_order_authorizations_user ON order_authorizations (user_id, id);

CREATE TABLE IF NOT EXISTS payment_notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  provider TEXT NOT NULL,
  notification_id TEXT NOT NULL,
  order_id INTEGER NOT NULL,
  amount_fen INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  received_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_payment_notifications ON payment_notifications (provider, notification_id);
CREATE INDEX IF NOT EXISTS idx_payment_notifications_order ON payment_notifications (order_id, id);

CREATE TABLE IF NOT EXISTS after_sales (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  reason_enc TEXT NOT NULL,
  status TEXT NOT NULL,
  resolution_enc TEXT NULL,
  resolver_id INTEGER NULL,
  created_at DATETIME NOT NULL,
  resolved_at DATETIME NULL
);
CREATE INDEX IF NOT EXISTS idx_after_sales_order ON after_sales (order_id, id);
CREATE INDEX IF NOT EXISTS idx_after_sales_queue ON after_sales (status, id);

CREATE TABLE IF NOT EXISTS support_conversations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  order_id INTEGER NULL,
  subject_enc TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_support_user ON support_conversations (user_id, updated_at, id);
CREATE INDEX IF NOT EXISTS idx_support_queue ON support_conversations (status, updated_at, id);

CREATE TABLE IF NOT EXISTS support_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id INTEGER NOT NULL,
  sender_id INTEGER NOT NULL,
  from_staff BOOLEAN NOT NULL,
  body_enc TEXT NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_support_messages ON support_messages (conversation_id, id);

CREATE TABLE IF NOT EXISTS order_unmasks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  staff_id INTEGER NOT NULL,
  reason_enc TEXT NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_order_unmasks ON order_unmasks (order_id, id);

CREATE TABLE IF NOT EXISTS disclosures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  recipient TEXT NOT NULL,
  purpose TEXT NOT NULL,
  fields TEXT NOT NULL,
  legal_basis TEXT NOT NULL,
  ref_type TEXT NOT NULL,
  ref_id INTEGER NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_disclosures_user ON disclosures (user_id, id);
