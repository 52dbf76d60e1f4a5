-- migrate:up
CREATE VIEW open_tasks AS
    SELECT id, project_id, title FROM tasks WHERE NOT done;

-- migrate:down
DROP VIEW open_tasks;
