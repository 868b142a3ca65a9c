/**
 * A relational {@link io.github.sqsreliable.idempotency.IdempotencyStore} on plain JDBC (PostgreSQL): start at
 * {@link io.github.sqsreliable.jdbc.JdbcIdempotencyStore#builder()}. The DDL, cleanup of expired rows and
 * connection-pool sizing are in {@code docs/idempotency-jdbc.md}, with the design of the transactional mode to
 * come (the completion record committed in the handler's own transaction).
 */
package io.github.sqsreliable.jdbc;
