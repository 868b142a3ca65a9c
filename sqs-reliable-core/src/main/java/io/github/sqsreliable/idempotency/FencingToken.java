package io.github.sqsreliable.idempotency;

import java.util.Objects;
import java.util.UUID;

/**
 * Proof of one acquisition of a key. Only the holder of the current token may complete, release or renew the
 * key: an owner whose lease expired and was taken over holds a stale token, and its writes are refused.
 *
 * @param value an opaque value, unique per acquisition
 */
public record FencingToken(String value) {

    public FencingToken {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("a fencing token must not be blank");
        }
    }

    /** @return a new random token */
    public static FencingToken random() {
        return new FencingToken(UUID.randomUUID().toString());
    }
}
