-- Two statements, one with a foreign key; a comment line ending in ';' is ignored;
CREATE TABLE gadgets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  widget_id INTEGER NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
  label TEXT NOT NULL DEFAULT ''
);

CREATE INDEX idx_gadgets_label ON gadgets (label);
