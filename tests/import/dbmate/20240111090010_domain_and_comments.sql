-- migrate:up
CREATE DOMAIN email_address AS text CHECK (VALUE ~ '@');
ALTER TABLE users ADD COLUMN backup_email email_address;
COMMENT ON TABLE tasks IS 'Work items of a project';
COMMENT ON COLUMN tasks.due IS 'When the task is due';

-- migrate:down
COMMENT ON COLUMN tasks.due IS NULL;
COMMENT ON TABLE tasks IS NULL;
ALTER TABLE users DROP COLUMN backup_email;
DROP DOMAIN email_address;
