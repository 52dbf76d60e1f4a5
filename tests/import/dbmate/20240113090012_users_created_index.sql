-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY idx_users_created ON users (created_at);

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS idx_users_created;
