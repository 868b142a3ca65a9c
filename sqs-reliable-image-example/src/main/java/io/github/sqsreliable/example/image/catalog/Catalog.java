package io.github.sqsreliable.example.image.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The image catalog that stage 2 writes. It is deliberately <em>not</em> idempotent: every {@link #record}
 * counts, so a message handled twice shows up as {@code timesRecorded == 2}. Keeping duplicates out is the
 * job of sqs-reliable's idempotency, and this is how the demo and the tests prove it did that job.
 */
public interface Catalog extends AutoCloseable {

    /**
     * Records {@code entry}: stores it and adds one to its image's {@link CatalogRow#timesRecorded()}.
     *
     * @throws RuntimeException if the write failed; the caller may retry
     */
    void record(CatalogEntry entry);

    /** Every recorded image, with how many times it was recorded. */
    List<CatalogRow> rows();

    /** The row of {@code imageId}, if it was recorded. */
    default Optional<CatalogRow> row(String imageId) {
        return rows().stream().filter(row -> row.entry().imageId().equals(imageId)).findFirst();
    }

    /** Image id to row. */
    default Map<String, CatalogRow> rowsById() {
        return rows().stream().collect(Collectors.toMap(row -> row.entry().imageId(), Function.identity()));
    }

    /** Releases connections; the default does nothing. */
    @Override
    default void close() {
    }

    /**
     * An image in the catalog.
     *
     * @param entry the last entry recorded for it
     * @param timesRecorded how many times it was recorded; 1 unless something went wrong
     */
    record CatalogRow(CatalogEntry entry, long timesRecorded) {
    }
}
