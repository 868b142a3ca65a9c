-- The sqs-reliable JDBC idempotency store's table, for PostgreSQL: JdbcIdempotencyStore.createTableSql("sqs_reliable_idempotency").
-- For another table name, call that method or replace both names below.
CREATE TABLE IF NOT EXISTS sqs_reliable_idempotency (
    idempotency_key   varchar(64)  PRIMARY KEY,
    status            varchar(11)  NOT NULL CHECK (status IN ('IN_PROGRESS', 'COMPLETED')),
    fencing_token     varchar(64)  NOT NULL,
    payload_hash      text,
    lease_expires_at  timestamptz,
    completed_at      timestamptz,
    expires_at        timestamptz  NOT NULL
);
CREATE INDEX IF NOT EXISTS sqs_reliable_idempotency_expires_at_idx ON sqs_reliable_idempotency (expires_at);
