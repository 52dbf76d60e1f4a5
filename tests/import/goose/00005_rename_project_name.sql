-- +goose Up
ALTER TABLE projects RENAME COLUMN name TO title;

-- +goose Down
ALTER TABLE projects RENAME COLUMN title TO name;
