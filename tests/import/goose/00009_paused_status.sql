-- +goose Up
ALTER TYPE project_status ADD VALUE 'paused' AFTER 'active';

-- +goose Down
