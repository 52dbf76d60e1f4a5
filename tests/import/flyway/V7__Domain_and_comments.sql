CREATE DOMAIN email_address AS text CHECK (VALUE ~ '@');
ALTER TABLE users ADD COLUMN backup_email email_address;
COMMENT ON TABLE tasks IS 'Work items of a project';
COMMENT ON COLUMN tasks.due IS 'When the task is due';
