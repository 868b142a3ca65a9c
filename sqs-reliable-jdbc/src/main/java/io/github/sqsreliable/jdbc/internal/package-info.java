/**
 * The JDBC store's implementation: its SQL, the blocking calls that run it, the transactional mode, and the checks
 * of the SPI's durations. Not API: these classes may change in any release without notice. Use
 * {@link io.github.sqsreliable.jdbc.JdbcIdempotencyStore}.
 */
package io.github.sqsreliable.jdbc.internal;
