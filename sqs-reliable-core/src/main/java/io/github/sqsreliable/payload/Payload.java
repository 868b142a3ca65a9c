package io.github.sqsreliable.payload;

import io.github.sqsreliable.SqsMessage;
import java.util.Objects;

/**
 * One message of a {@link PayloadBatchHandler}'s batch: its body read as {@code T}, and the message itself (to report
 * it failed with {@link io.github.sqsreliable.BatchResult.Builder#failed}, or to read its attributes). Immutable.
 *
 * @param value the body, read; never {@code null}
 * @param message the message it was read from (unwrapped, when SNS envelopes are on); never {@code null}
 * @param <T> the payload type
 */
public record Payload<T>(T value, SqsMessage message) {

    /**
     * Checks that neither part is null.
     *
     * @param value the body, read
     * @param message the message it was read from
     */
    public Payload {
        Objects.requireNonNull(value, "value must not be null");
        Objects.requireNonNull(message, "message must not be null");
    }
}
