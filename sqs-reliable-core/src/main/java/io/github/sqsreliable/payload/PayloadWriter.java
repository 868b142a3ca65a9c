package io.github.sqsreliable.payload;

/**
 * Writes a Java object as a message body: the counterpart of {@link PayloadReader}, for code that sends messages.
 * {@link JsonPayloads} implements both. Implementations must be thread-safe.
 */
public interface PayloadWriter {

    /**
     * Writes one payload.
     *
     * @param payload the object to write; not {@code null}
     * @return the body
     * @throws IllegalArgumentException if the object cannot be written (for JSON: a type Jackson cannot serialize)
     */
    String write(Object payload);
}
