ALTER TABLE projects DROP COLUMN archived_at, DROP COLUMN status;
DROP TYPE project_status;
