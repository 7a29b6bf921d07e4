DROP TABLE spot_check_lines;
DROP TABLE spot_checks;
DELETE FROM users WHERE role = 'supervisor';
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'leader', 'analyst', 'ward_officer'));
