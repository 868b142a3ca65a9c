package io.github.sqsreliable.idempotency;

import java.time.Duration;
import java.util.Objects;

/** What acquiring a key found. */
public sealed interface AcquireResult {

    /**
     * The caller now holds the key.
     *
     * @param token proof of this acquisition, required to complete, release or renew
     */
    record Acquired(FencingToken token) implements AcquireResult {
        /**
         * Checks that {@code token} is not null.
         *
         * @param token proof of this acquisition
         */
        public Acquired {
            Objects.requireNonNull(token, "token");
        }
    }

    /**
     * Someone else holds the key and its lease has not expired.
     *
     * @param leaseRemaining how long until the holder's lease expires, unless renewed
     * @param payloadHash the holder's payload hash, or null
     */
    record InProgress(Duration leaseRemaining, String payloadHash) implements AcquireResult {
        /**
         * Checks that {@code leaseRemaining} is not null.
         *
         * @param leaseRemaining how long until the holder's lease expires
         * @param payloadHash the holder's payload hash, or null
         */
        public InProgress {
            Objects.requireNonNull(leaseRemaining, "leaseRemaining");
        }
    }

    /**
     * The key was completed and its record has not expired: the work is done.
     *
     * @param payloadHash the payload hash recorded by the completing owner, or null
     */
    record Completed(String payloadHash) implements AcquireResult {
    }
}
