package io.github.sqsreliable.retry;

/** How a handler failure is treated: retried, or sent straight to the dead-letter queue. */
public enum FailureKind {
    /** Worth retrying (throttling, an outage, a timeout): retried with backoff up to the policy's attempts. */
    TRANSIENT,
    /** Retrying cannot help (malformed input, a rejected request): dead-lettered on the first attempt. */
    PERMANENT
}
