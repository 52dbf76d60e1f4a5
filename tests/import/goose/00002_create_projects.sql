-- +goose Up
CREATE TABLE projects (
    id serial PRIMARY KEY,
    owner_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL,
    created_at timestamptz DEFAULT now()
);
CREATE INDEX idx_projects_owner ON projects (owner_id);

-- +goose Down
DROP TABLE IF EXISTS projects;
