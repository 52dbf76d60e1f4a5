-- migrate:up
CREATE TYPE project_status AS ENUM ('active', 'archived');
ALTER TABLE projects
    ADD COLUMN status project_status NOT NULL DEFAULT 'active',
    ADD COLUMN archived_at timestamptz;

-- migrate:down
ALTER TABLE projects DROP COLUMN archived_at, DROP COLUMN status;
DROP TYPE project_status;
