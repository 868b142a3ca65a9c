package io.github.sqsreliable.example.image.pipeline;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where the pipeline keeps each image's {@link ImageRecord}: written by the API and the stages, read by the
 * API, the gallery and the demo. Implementations are thread-safe.
 */
public interface StatusBoard {

    /** Stores a new record, or replaces the record with the same id. */
    void put(ImageRecord record);

    /**
     * Replaces the record of {@code id} with {@code change} applied to it, atomically with respect to other
     * updates of the same id in this process.
     *
     * @return the new record, or empty if there is no record of {@code id}
     */
    Optional<ImageRecord> update(String id, UnaryOperator<ImageRecord> change);

    /** The record of {@code id}, if any. */
    Optional<ImageRecord> get(String id);

    /** Every record, oldest upload first. */
    List<ImageRecord> all();
}
