-- migrate:up
ALTER TABLE projects RENAME COLUMN name TO title;

-- migrate:down
ALTER TABLE projects RENAME COLUMN title TO name;
