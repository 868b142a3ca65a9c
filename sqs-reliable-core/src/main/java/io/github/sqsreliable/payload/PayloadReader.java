package io.github.sqsreliable.payload;

/**
 * Reads a message body into a Java object: the SPI behind typed handlers. {@link JsonPayloads} is the default;
 * implement it for another format (Protocol Buffers, Avro, XML). Implementations must be thread-safe.
 */
public interface PayloadReader {

    /**
     * Reads one body.
     *
     * @param body the message body, exactly as received (after SNS unwrapping, if on); never {@code null}
     * @param type what to read it as
     * @param <T> the type
     * @return the value; never {@code null}
     * @throws MalformedPayloadException if the body is not a valid {@code type}; its reason must not quote the body
     */
    <T> T read(String body, Class<T> type) throws MalformedPayloadException;
}
