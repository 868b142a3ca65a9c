package io.github.sqsreliable.example.image.storage;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Stores byte arrays under keys validated by {@link BlobKeys#requireValid(String)}.
 *
 * <p>Implementations must be thread-safe, and {@link #put} must be atomic: a concurrent {@link #get}
 * returns either the previous bytes or the new ones, never a mix. The image pipeline relies on this to make
 * redelivered messages harmless: writing the same variant twice just replaces equal bytes.
 *
 * <p>I/O failures surface as {@link java.io.UncheckedIOException}, which the pipeline treats as transient.
 */
public interface BlobStore {

    /**
     * Stores {@code bytes} under {@code key}, replacing any previous value atomically.
     *
     * @throws InvalidBlobKeyException if the key is not valid
     * @throws java.io.UncheckedIOException if the bytes could not be written
     */
    void put(String key, byte[] bytes);

    /**
     * Returns the bytes stored under {@code key}, or empty if there are none.
     *
     * @throws InvalidBlobKeyException if the key is not valid
     * @throws java.io.UncheckedIOException if the bytes could not be read
     */
    Optional<byte[]> get(String key);

    /**
     * Tells whether a value is stored under {@code key}.
     *
     * @throws InvalidBlobKeyException if the key is not valid
     */
    boolean exists(String key);

    /**
     * Returns the size of the value stored under {@code key}, without reading it.
     *
     * @return the size in bytes, or empty if there is no value
     * @throws InvalidBlobKeyException if the key is not valid
     * @throws java.io.UncheckedIOException if the store could not be asked
     */
    OptionalLong size(String key);

    /**
     * Lists the keys stored under a prefix.
     *
     * @param prefix a key prefix such as {@code "variants/"}, or {@code ""} for every key
     * @return the keys that start with {@code prefix}, in no particular order
     * @throws java.io.UncheckedIOException if the keys could not be listed
     */
    List<String> keys(String prefix);

    /**
     * Removes the value stored under {@code key}.
     *
     * @return {@code true} if a value was removed, {@code false} if there was none
     * @throws InvalidBlobKeyException if the key is not valid
     * @throws java.io.UncheckedIOException if the value could not be removed
     */
    boolean delete(String key);
}
