CREATE TABLE IF NOT EXISTS tasks (
    id bigserial PRIMARY KEY,
    project_id integer NOT NULL,
    title text NOT NULL,
    done boolean NOT NULL DEFAULT false,
    due date,
    CONSTRAINT tasks_project_fk FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
);
CREATE INDEX tasks_open_idx ON tasks (project_id) WHERE NOT done;
CREATE UNIQUE INDEX tasks_project_title_key ON tasks (project_id, lower(title));
