-- The language a user last used (issue 3): notices that others trigger (an admin's
-- lock, a doctor's verification) are written in it. Updated at sign-in, registration
-- and when the user switches language.
ALTER TABLE users ADD COLUMN lang VARCHAR(8) NOT NULL DEFAULT 'zh-CN';
