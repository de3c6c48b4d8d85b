-- A ';' inside a literal is fine as long as it does not end the line.
INSERT INTO widgets (name, created_at) VALUES ('first; of many', '2024-01-02 03:04:05.123456');
INSERT INTO widgets (name, created_at)
VALUES ('second', '2024-01-02 03:04:05');
-- migrate:begin
CREATE TRIGGER widgets_no_rename BEFORE UPDATE ON widgets FOR EACH ROW
BEGIN
  IF NEW.name <> OLD.name THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'widgets are never renamed';
  END IF;
END;
-- migrate:end
