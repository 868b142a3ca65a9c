package io.github.sqsreliable.idempotency;

import java.time.Duration;
import java.util.Objects;

/**
 * One key to acquire.
 *
 * @param key the store key: already namespaced and hashed by the consumer, at most 64 hex characters
 * @param lease how long the acquisition holds if never renewed, completed or released
 * @param payloadHash a hash of the message body, kept with the record for payload validation; may be null
 */
public record AcquireRequest(String key, Duration lease, String payloadHash) {

    /**
     * Checks that {@code key} and {@code lease} are not null and that {@code lease} is positive.
     *
     * @param key the store key, at most 64 hex characters
     * @param lease how long the acquisition holds; positive
     * @param payloadHash a hash of the message body, or null
     * @throws IllegalArgumentException if {@code lease} is zero or negative
     */
    public AcquireRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease (" + lease + ") must be positive");
        }
    }
}
