package io.github.sqsreliable.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.SqsReliableException;
import io.github.sqsreliable.idempotency.FencingToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class JdbcIdempotencyStoreBuilderTest {

    /** Never asked for a connection: building a store opens none. */
    private static final DataSource NO_CONNECTIONS = new DataSource() {
        @Override
        public Connection getConnection() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Connection getConnection(String username, String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    };

    @Test
    void buildsWithTheDefaults() {
        try (JdbcIdempotencyStore store = JdbcIdempotencyStore.builder().dataSource(NO_CONNECTIONS).build()) {
            assertThat(store.tableName()).isEqualTo(JdbcIdempotencyStore.DEFAULT_TABLE_NAME);
        }
    }

    @Test
    void rejectsAMissingDataSource() {
        assertThatThrownBy(() -> JdbcIdempotencyStore.builder().build())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("dataSource");
    }

    @Test
    void rejectsATableNameThatIsNoSafeIdentifier() {
        for (String name : new String[] {"", "1abc", "orders; DROP TABLE x", "\"quoted\"", "Upper", "a.b.c",
                "x".repeat(49)}) {
            assertThatThrownBy(() -> JdbcIdempotencyStore.builder().dataSource(NO_CONNECTIONS).tableName(name).build())
                    .as(name).isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("tableName");
        }
    }

    @Test
    void acceptsASchemaQualifiedTableName() {
        try (JdbcIdempotencyStore store = JdbcIdempotencyStore.builder().dataSource(NO_CONNECTIONS)
                .tableName("idempotency.sqs_keys").build()) {
            assertThat(JdbcIdempotencyStore.createTableSql(store.tableName()))
                    .contains("CREATE TABLE IF NOT EXISTS idempotency.sqs_keys (")
                    .contains("CREATE INDEX IF NOT EXISTS sqs_keys_expires_at_idx ON idempotency.sqs_keys");
        }
    }

    @Test
    void rejectsAQueryTimeoutOutsideOneSecondToOneMinute() {
        for (Duration timeout : new Duration[] {null, Duration.ofMillis(999), Duration.ofSeconds(61)}) {
            assertThatThrownBy(() -> JdbcIdempotencyStore.builder().dataSource(NO_CONNECTIONS).queryTimeout(timeout)
                    .build()).as("%s", timeout).isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("queryTimeout");
        }
    }

    @Test
    void rejectsAMaxConcurrencyOutsideOneToSixtyFour() {
        for (int threads : new int[] {0, 65}) {
            assertThatThrownBy(() -> JdbcIdempotencyStore.builder().dataSource(NO_CONNECTIONS).maxConcurrency(threads)
                    .build()).isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("maxConcurrency");
        }
    }

    @Test
    void aClosedStoreFailsItsCallsWithoutBlocking() {
        JdbcIdempotencyStore store = JdbcIdempotencyStore.builder().dataSource(NO_CONNECTIONS).build();
        store.close();

        assertThat(store.release("key", FencingToken.random()))
                .failsWithin(Duration.ofSeconds(1))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(SqsReliableException.class)
                .withMessageContaining("closed");
    }

    @Test
    void shippedSchemaIsTheDdlOfTheDefaultTable() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(JdbcIdempotencyStore.SCHEMA_RESOURCE)) {
            assertThat(in).isNotNull();
            String shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(shipped).endsWith(JdbcIdempotencyStore.createTableSql(JdbcIdempotencyStore.DEFAULT_TABLE_NAME));
        }
    }
}
