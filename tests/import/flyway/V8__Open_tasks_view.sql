CREATE VIEW open_tasks AS
    SELECT id, project_id, title FROM tasks WHERE NOT done;
