-- The public doctor directory (issue 6) lists verified doctors by name, then ID.
CREATE INDEX idx_doctor_profiles_directory ON doctor_profiles (status, real_name, user_id);
