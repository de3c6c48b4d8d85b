-- Two statements, one with a foreign key; a comment line ending in ';' is ignored;
CREATE TABLE gadgets (
  id BIGINT NOT NULL AUTO_INCREMENT,
  widget_id BIGINT NOT NULL,
  label VARCHAR(100) NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  CONSTRAINT fk_gadgets_widget FOREIGN KEY (widget_id) REFERENCES widgets (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE INDEX idx_gadgets_label ON gadgets (label);
