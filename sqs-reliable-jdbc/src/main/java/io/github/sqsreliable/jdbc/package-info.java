/**
 * A relational {@link io.github.sqsreliable.idempotency.IdempotencyStore} on plain JDBC (PostgreSQL): start at
 * {@link io.github.sqsreliable.jdbc.JdbcIdempotencyStore#builder()}. Its transactional mode,
 * {@link io.github.sqsreliable.jdbc.JdbcIdempotencyStore#transactional(JdbcTransactionalHandler)}, commits the
 * completion record in the handler's own transaction. The DDL, cleanup of expired rows, isolation and
 * connection-pool sizing are in {@code docs/idempotency-jdbc.md}.
 */
package io.github.sqsreliable.jdbc;
