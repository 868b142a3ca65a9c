package io.github.sqsreliable.example.image.catalog;

import io.github.sqsreliable.example.image.pipeline.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The catalog in a PostgreSQL table, one row per image: {@code image_id} (primary key), {@code user_id},
 * {@code entry} (the {@link CatalogEntry} as {@code jsonb}) and {@code times_recorded}. Like the other catalogs it
 * is deliberately not idempotent: each {@link #record} is one upsert that adds one to {@code times_recorded}.
 *
 * <p>{@link #record(CatalogEntry, Connection)} writes on a connection the caller gives, so the write can be part
 * of a transaction the caller commits: the catalog stage's transactional mode commits it together with the
 * message's idempotency record ({@code JdbcIdempotencyStore.transactional}). {@link #record(CatalogEntry)} writes
 * on a connection of its own, in auto-commit.
 *
 * <p>The data source is the caller's: the catalog never closes it. Thread-safe.
 */
public final class PostgresCatalog implements Catalog {

    /** The table {@link #open(DataSource)} uses: {@value}. */
    public static final String DEFAULT_TABLE_NAME = "image_catalog";

    private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final DataSource dataSource;
    private final String table;

    private PostgresCatalog(DataSource dataSource, String table) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.table = Objects.requireNonNull(table, "table");
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("table (" + table + ") must be an unquoted SQL identifier: lower-case"
                    + " letters, digits and _, not starting with a digit, at most 63 characters");
        }
    }

    /** The catalog in {@value #DEFAULT_TABLE_NAME}; see {@link #open(DataSource, String)}. */
    public static PostgresCatalog open(DataSource dataSource) {
        return open(dataSource, DEFAULT_TABLE_NAME);
    }

    /**
     * The catalog in {@code table}, which must exist (see {@link #createTableIfMissing()}).
     *
     * @param dataSource where connections come from; never closed by the catalog
     * @param table an unquoted SQL identifier
     * @throws IllegalArgumentException if {@code table} is not one
     */
    public static PostgresCatalog open(DataSource dataSource, String table) {
        return new PostgresCatalog(dataSource, table);
    }

    /**
     * Creates the table unless it exists.
     *
     * @return this catalog
     * @throws IllegalStateException if the statement failed
     */
    public PostgresCatalog createTableIfMissing() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "image_id text PRIMARY KEY, "
                    + "user_id text NOT NULL, "
                    + "entry jsonb NOT NULL, "
                    + "times_recorded bigint NOT NULL)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create catalog table " + table + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** Records {@code entry} on a connection of its own, in auto-commit. */
    @Override
    public void record(CatalogEntry entry) {
        try (Connection connection = dataSource.getConnection()) {
            record(entry, connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record image " + entry.imageId() + " in " + table + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Records {@code entry} with one upsert on {@code connection}: inserts its row with {@code times_recorded = 1},
     * or replaces the entry and adds one. Commits nothing: in auto-commit the statement commits by itself, in a
     * transaction it commits or rolls back with it.
     *
     * @param entry the image
     * @param connection the connection to write on; not closed
     * @throws SQLException if the statement failed
     */
    public void record(CatalogEntry entry, Connection connection) throws SQLException {
        Objects.requireNonNull(entry, "entry");
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + table
                + " (image_id, user_id, entry, times_recorded) VALUES (?, ?, ?::jsonb, 1)"
                + " ON CONFLICT (image_id) DO UPDATE SET user_id = excluded.user_id, entry = excluded.entry,"
                + " times_recorded = " + table + ".times_recorded + 1")) {
            upsert.setString(1, entry.imageId());
            upsert.setString(2, entry.userId());
            upsert.setString(3, Json.write(entry));
            upsert.executeUpdate();
        }
    }

    @Override
    public List<CatalogRow> rows() {
        return query("SELECT entry::text, times_recorded FROM " + table + " ORDER BY image_id", null);
    }

    @Override
    public Optional<CatalogRow> row(String imageId) {
        return query("SELECT entry::text, times_recorded FROM " + table + " WHERE image_id = ?",
                Objects.requireNonNull(imageId, "imageId")).stream().findFirst();
    }

    private List<CatalogRow> query(String sql, String imageId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            if (imageId != null) {
                select.setString(1, imageId);
            }
            List<CatalogRow> rows = new ArrayList<>();
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(new CatalogRow(Json.read(result.getString(1), CatalogEntry.class), result.getLong(2)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read catalog " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "PostgresCatalog[" + table + "]";
    }
}
