-- SQLite twin of migrations/mysql/0011_user_lang.sql (the reference).
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'zh-CN';
