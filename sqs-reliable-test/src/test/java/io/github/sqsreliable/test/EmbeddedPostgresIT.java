package io.github.sqsreliable.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class EmbeddedPostgresIT {

    @Test
    void startsOncePerJvmAndAcceptsConnectionsWithoutAPassword() throws SQLException {
        EmbeddedPostgres postgres = EmbeddedPostgres.shared();
        String table = postgres.newTableName();

        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), null);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + table + " (id integer PRIMARY KEY)");
            statement.execute("INSERT INTO " + table + " VALUES (1), (2)");
            try (ResultSet count = statement.executeQuery("SELECT count(*) FROM " + table)) {
                assertThat(count.next()).isTrue();
                assertThat(count.getInt(1)).isEqualTo(2);
            }
        }
        assertThat(EmbeddedPostgres.shared()).isSameAs(postgres);
        assertThat(postgres.newTableName()).isNotEqualTo(table).matches("[a-z_][a-z0-9_]*");
    }
}
