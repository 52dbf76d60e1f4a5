ALTER TABLE projects RENAME COLUMN name TO title;
