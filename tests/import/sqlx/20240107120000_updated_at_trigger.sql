ALTER TABLE tasks ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- Keeps updated_at current: a function and a trigger, which the language leaves to raw SQL.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER tasks_updated_at BEFORE UPDATE ON tasks
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
