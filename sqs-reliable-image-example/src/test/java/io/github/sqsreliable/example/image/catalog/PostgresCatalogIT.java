package io.github.sqsreliable.example.image.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.sqsreliable.test.EmbeddedPostgres;
import java.sql.Connection;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link PostgresCatalog} on the test kit's PostgreSQL, each test on a table of its own. */
class PostgresCatalogIT {

    private static HikariDataSource pool;

    @BeforeAll
    static void connect() {
        EmbeddedPostgres postgres = EmbeddedPostgres.shared();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl());
        config.setUsername(postgres.user());
        config.setMaximumPoolSize(2);
        pool = new HikariDataSource(config);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void countsEveryWriteAndKeepsTheLastEntry() {
        PostgresCatalog catalog = newCatalog();

        catalog.record(entry("a", 100));
        catalog.record(entry("b", 100));
        catalog.record(entry("a", 200));

        assertThat(catalog.rows()).hasSize(2);
        assertThat(catalog.row("a")).hasValueSatisfying(row -> {
            assertThat(row.timesRecorded()).isEqualTo(2);
            assertThat(row.entry()).isEqualTo(entry("a", 200));
        });
        assertThat(catalog.row("b").map(Catalog.CatalogRow::timesRecorded)).contains(1L);
        assertThat(catalog.row("c")).isEmpty();
    }

    @Test
    void aWriteOnAGivenConnectionCommitsOrRollsBackWithItsTransaction() throws Exception {
        PostgresCatalog catalog = newCatalog();

        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            catalog.record(entry("rolled-back", 100), connection);
            assertThat(catalog.row("rolled-back")).as("not visible before the commit").isEmpty();
            connection.rollback();
            catalog.record(entry("committed", 100), connection);
            connection.commit();
            connection.setAutoCommit(true);
        }

        assertThat(catalog.rows()).extracting(row -> row.entry().imageId()).containsExactly("committed");
    }

    private static PostgresCatalog newCatalog() {
        return PostgresCatalog.open(pool, EmbeddedPostgres.shared().newTableName()).createTableIfMissing();
    }

    private static CatalogEntry entry(String imageId, int width) {
        return new CatalogEntry(imageId, "user-1", 1, "PNG", width, 50, Map.of("small", "variants/" + imageId),
                Instant.parse("2026-12-07T21:00:00Z"));
    }
}
