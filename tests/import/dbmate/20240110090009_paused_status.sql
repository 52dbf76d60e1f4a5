-- migrate:up
ALTER TYPE project_status ADD VALUE 'paused' AFTER 'active';

-- migrate:down
