package io.github.sqsreliable.dynamo.internal;

import io.github.sqsreliable.idempotency.AcquireResult;
import java.time.Duration;

/**
 * What an item says about its key.
 *
 * @param completed true for {@code COMPLETED}, false for {@code IN_PROGRESS}
 * @param expiresAtMillis when the lease or the completed record expires, epoch milliseconds
 * @param payloadHash the recorded payload hash, or null
 */
record StoredRecord(boolean completed, long expiresAtMillis, String payloadHash) {

    static final String IN_PROGRESS = "IN_PROGRESS";
    static final String COMPLETED = "COMPLETED";

    boolean expired(long nowMillis) {
        return expiresAtMillis <= nowMillis;
    }

    /**
     * What a caller that could not acquire the key is told.
     *
     * @param nowMillis the time the acquisition's condition was evaluated against; the record had not expired then
     * @return {@link AcquireResult.Completed} or {@link AcquireResult.InProgress}
     */
    AcquireResult refusal(long nowMillis) {
        return completed ? new AcquireResult.Completed(payloadHash)
                : new AcquireResult.InProgress(Duration.ofMillis(Math.max(1, expiresAtMillis - nowMillis)), payloadHash);
    }
}
