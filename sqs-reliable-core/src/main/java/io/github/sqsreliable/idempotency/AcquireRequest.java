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

    public AcquireRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease (" + lease + ") must be positive");
        }
    }
}
