package io.github.sqsreliable.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.sqsreliable.test.EmbeddedPostgres;

/** One connection pool to the shared test PostgreSQL for this module's tests, closed when the JVM exits. */
final class SharedPostgres {

    private static final Object LOCK = new Object();
    private static HikariDataSource pool;

    private SharedPostgres() {
    }

    /** @return a store on a fresh table of the shared database, the table created */
    static JdbcIdempotencyStore newStore() {
        JdbcIdempotencyStore store = JdbcIdempotencyStore.builder()
                .dataSource(pool())
                .tableName(EmbeddedPostgres.shared().newTableName())
                .maxConcurrency(8)
                .build();
        store.createTable().join();
        return store;
    }

    /** @return the shared pool; do not close it */
    static HikariDataSource pool() {
        synchronized (LOCK) {
            if (pool == null) {
                EmbeddedPostgres postgres = EmbeddedPostgres.shared();
                HikariConfig config = new HikariConfig();
                config.setJdbcUrl(postgres.jdbcUrl());
                config.setUsername(postgres.user());
                config.setMaximumPoolSize(16);
                config.setPoolName("shared-postgres");
                pool = new HikariDataSource(config);
                HikariDataSource created = pool;
                Runtime.getRuntime().addShutdownHook(new Thread(created::close, "shared-postgres-close"));
            }
            return pool;
        }
    }
}
