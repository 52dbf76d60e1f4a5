-- +goose Up
UPDATE tasks SET done = true WHERE due < DATE '2020-01-01';
ALTER TABLE tasks ALTER COLUMN title SET DEFAULT '';

-- +goose Down
ALTER TABLE tasks ALTER COLUMN title DROP DEFAULT;
