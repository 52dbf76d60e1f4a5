ALTER TABLE projects DROP CONSTRAINT projects_title_not_blank;
DROP SEQUENCE invoice_number;
