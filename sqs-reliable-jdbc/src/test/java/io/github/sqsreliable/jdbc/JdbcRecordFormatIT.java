package io.github.sqsreliable.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.FencingToken;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a key's row holds at each step: the format operators and the transactional mode rely on. */
@Timeout(60)
class JdbcRecordFormatIT {

    private static final JdbcIdempotencyStore STORE = SharedPostgres.newStore();
    private static final String KEY = "a".repeat(64);

    @AfterAll
    static void close() {
        STORE.close();
    }

    @Test
    void aKeyInProgressThenCompletedIsOneRowWhoseExpiryFollowsItsState() throws SQLException {
        // given a key acquired for a minute
        AcquireResult acquired = STORE.acquire(List.of(new AcquireRequest(KEY, Duration.ofMinutes(1), "hash")))
                .join().get(0);
        FencingToken token = ((AcquireResult.Acquired) acquired).token();

        // then its row is in progress, with the token, and expires with its lease
        try (Connection connection = SharedPostgres.pool().getConnection();
             ResultSet row = row(connection)) {
            assertThat(row.getString("status")).isEqualTo("IN_PROGRESS");
            assertThat(row.getString("fencing_token")).isEqualTo(token.value());
            assertThat(row.getString("payload_hash")).isEqualTo("hash");
            assertThat(row.getObject("completed_at")).isNull();
            OffsetDateTime lease = row.getObject("lease_expires_at", OffsetDateTime.class);
            assertThat(row.getObject("expires_at", OffsetDateTime.class)).isEqualTo(lease);
            assertThat(Duration.between(OffsetDateTime.now(), lease)).isBetween(Duration.ofSeconds(50),
                    Duration.ofSeconds(70));
        }

        // when it is completed for a day
        assertThat(STORE.complete(KEY, token, Duration.ofDays(1)).join()).isTrue();

        // then the same row is completed, its lease gone, and it expires a day after completion
        try (Connection connection = SharedPostgres.pool().getConnection();
             ResultSet row = row(connection)) {
            assertThat(row.getString("status")).isEqualTo("COMPLETED");
            assertThat(row.getString("fencing_token")).isEqualTo(token.value());
            assertThat(row.getObject("lease_expires_at")).isNull();
            OffsetDateTime completedAt = row.getObject("completed_at", OffsetDateTime.class);
            assertThat(row.getObject("expires_at", OffsetDateTime.class)).isEqualTo(completedAt.plusDays(1));
            assertThat(row.next()).as("one row per key").isFalse();
        }
    }

    @Test
    void createTableRunsAgainWithoutHarm() {
        STORE.createTable().join();
        STORE.createTable().join();
    }

    private static ResultSet row(Connection connection) throws SQLException {
        PreparedStatement select = connection.prepareStatement("SELECT * FROM " + STORE.tableName()
                + " WHERE idempotency_key = ?");
        select.setString(1, KEY);
        ResultSet row = select.executeQuery();
        assertThat(row.next()).isTrue();
        return row;
    }
}
