-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY idx_users_created ON users (created_at);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS idx_users_created;
