package io.github.sqsreliable.jdbc.internal;

import java.util.List;
import java.util.Objects;

/**
 * The store's SQL, for PostgreSQL, rendered once for one table. Every statement decides expiry on the database's
 * clock ({@code statement_timestamp()}: one instant per statement, so every column of a row is judged at the same
 * time), never on this JVM's. Not API.
 */
public final class Sql {

    /** {@code status} of a key being handled. */
    public static final String IN_PROGRESS = "IN_PROGRESS";
    /** {@code status} of a key whose work is done. */
    public static final String COMPLETED = "COMPLETED";

    private static final String CREATE_TABLE = """
            CREATE TABLE IF NOT EXISTS %1$s (
                idempotency_key   varchar(64)  PRIMARY KEY,
                status            varchar(11)  NOT NULL CHECK (status IN ('IN_PROGRESS', 'COMPLETED')),
                fencing_token     varchar(64)  NOT NULL,
                payload_hash      text,
                lease_expires_at  timestamptz,
                completed_at      timestamptz,
                expires_at        timestamptz  NOT NULL
            );
            CREATE INDEX IF NOT EXISTS %2$s ON %1$s (expires_at);
            """;

    private static final String EXPIRED = "r.expires_at <= statement_timestamp()";

    /*
     * One statement for a whole batch. Every key is upserted; a row that exists and has not expired is written back
     * unchanged (each column's CASE keeps it), which locks it and makes RETURNING report it, so the answer for every
     * key comes from the row as it was decided, never from a second read that a concurrent writer could slip
     * between. The caller proposed a fresh token per key: the key is acquired exactly when the returned token is
     * that one. Rows are upserted in key order so that two overlapping batches lock them in the same order and
     * cannot deadlock.
     */
    private static final String ACQUIRE = """
            INSERT INTO %1$s AS r (idempotency_key, status, fencing_token, payload_hash, lease_expires_at,
                                   completed_at, expires_at)
            SELECT i.k, 'IN_PROGRESS', i.t, i.h, statement_timestamp() + i.ms * INTERVAL '1 millisecond', NULL,
                   statement_timestamp() + i.ms * INTERVAL '1 millisecond'
            FROM unnest(?::varchar[], ?::bigint[], ?::varchar[], ?::text[]) AS i(k, ms, t, h)
            ORDER BY i.k
            ON CONFLICT (idempotency_key) DO UPDATE SET
                status           = CASE WHEN %2$s THEN EXCLUDED.status ELSE r.status END,
                fencing_token    = CASE WHEN %2$s THEN EXCLUDED.fencing_token ELSE r.fencing_token END,
                payload_hash     = CASE WHEN %2$s THEN EXCLUDED.payload_hash ELSE r.payload_hash END,
                lease_expires_at = CASE WHEN %2$s THEN EXCLUDED.lease_expires_at ELSE r.lease_expires_at END,
                completed_at     = CASE WHEN %2$s THEN NULL ELSE r.completed_at END,
                expires_at       = CASE WHEN %2$s THEN EXCLUDED.expires_at ELSE r.expires_at END
            RETURNING r.idempotency_key, r.status, r.fencing_token, r.payload_hash,
                      CEIL(EXTRACT(EPOCH FROM (r.expires_at - statement_timestamp())) * 1000)::bigint
            """;

    private static final String HELD = "r.status = 'IN_PROGRESS' AND r.expires_at > statement_timestamp()";

    private static final String COMPLETE = """
            UPDATE %1$s AS r SET status = 'COMPLETED', lease_expires_at = NULL, completed_at = statement_timestamp(),
                                 expires_at = statement_timestamp() + ?::bigint * INTERVAL '1 millisecond'
            FROM unnest(?::varchar[], ?::varchar[]) AS i(k, t)
            WHERE r.idempotency_key = i.k AND r.fencing_token = i.t AND %2$s
            RETURNING r.idempotency_key
            """;

    /*
     * In the handler's transaction: the token decides, not the clock. A lease that ran out while no one took the
     * key over still carries this token, and committing then is safe; a consumer that took it over changed the
     * token, and the row lock this statement takes orders the two: whichever commits first wins, the other sees it.
     */
    private static final String COMPLETE_IN_TRANSACTION = """
            UPDATE %1$s AS r SET status = 'COMPLETED', lease_expires_at = NULL, completed_at = statement_timestamp(),
                                 expires_at = statement_timestamp() + ?::bigint * INTERVAL '1 millisecond'
            WHERE r.idempotency_key = ? AND r.fencing_token = ? AND r.status = 'IN_PROGRESS'
            """;

    private static final String DESCRIBE = """
            SELECT r.status, r.fencing_token FROM %1$s AS r WHERE r.idempotency_key = ?
            """;

    private static final String RELEASE = """
            DELETE FROM %1$s AS r WHERE r.idempotency_key = ? AND r.fencing_token = ? AND %2$s
            """;

    private static final String RENEW = """
            UPDATE %1$s AS r SET lease_expires_at = statement_timestamp() + ?::bigint * INTERVAL '1 millisecond',
                                 expires_at = statement_timestamp() + ?::bigint * INTERVAL '1 millisecond'
            WHERE r.idempotency_key = ? AND r.fencing_token = ? AND %2$s
            """;

    private final List<String> createTable;
    private final String acquire;
    private final String complete;
    private final String completeInTransaction;
    private final String describe;
    private final String release;
    private final String renew;

    /**
     * @param table a validated table name, optionally schema-qualified
     */
    public Sql(String table) {
        Objects.requireNonNull(table, "table");
        this.createTable = List.of(createTableScript(table).split(";\\s*"));
        this.acquire = ACQUIRE.formatted(table, EXPIRED);
        this.complete = COMPLETE.formatted(table, HELD);
        this.completeInTransaction = COMPLETE_IN_TRANSACTION.formatted(table);
        this.describe = DESCRIBE.formatted(table);
        this.release = RELEASE.formatted(table, HELD);
        this.renew = RENEW.formatted(table, HELD);
    }

    /**
     * @param table a validated table name, optionally schema-qualified
     * @return the DDL creating the table and its index, statements ended by semicolons
     */
    public static String createTableScript(String table) {
        String bareName = table.substring(table.indexOf('.') + 1);
        return CREATE_TABLE.formatted(table, bareName + "_expires_at_idx");
    }

    /** @return the DDL's statements, one by one, without semicolons */
    public List<String> createTable() {
        return createTable;
    }

    /** @return acquire: four arrays (keys, lease millis, proposed tokens, payload hashes) */
    public String acquire() {
        return acquire;
    }

    /** @return complete: TTL millis, then two arrays (keys, tokens); returns the completed keys */
    public String complete() {
        return complete;
    }

    /** @return complete one key inside a handler's transaction: TTL millis, key, token; the updated row count */
    public String completeInTransaction() {
        return completeInTransaction;
    }

    /** @return a key's status and token: key */
    public String describe() {
        return describe;
    }

    /** @return release: key, token */
    public String release() {
        return release;
    }

    /** @return renew: lease millis twice, key, token */
    public String renew() {
        return renew;
    }
}
