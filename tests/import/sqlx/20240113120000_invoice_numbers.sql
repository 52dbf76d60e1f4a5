CREATE SEQUENCE invoice_number START WITH 1000;
ALTER TABLE projects ADD CONSTRAINT projects_title_not_blank CHECK (title <> '');
