-- +goose Up
CREATE SEQUENCE invoice_number START WITH 1000;
ALTER TABLE projects ADD CONSTRAINT projects_title_not_blank CHECK (title <> '');

-- +goose Down
ALTER TABLE projects DROP CONSTRAINT projects_title_not_blank;
DROP SEQUENCE invoice_number;
