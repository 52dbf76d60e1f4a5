-- +goose Up
ALTER TABLE tasks ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- Keeps updated_at current: a function and a trigger, which the language leaves to raw SQL.
-- +goose StatementBegin
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER tasks_updated_at BEFORE UPDATE ON tasks
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- +goose Down
DROP TRIGGER tasks_updated_at ON tasks;
DROP FUNCTION set_updated_at();
ALTER TABLE tasks DROP COLUMN updated_at;
