DROP TRIGGER tasks_updated_at ON tasks;
DROP FUNCTION set_updated_at();
ALTER TABLE tasks DROP COLUMN updated_at;
