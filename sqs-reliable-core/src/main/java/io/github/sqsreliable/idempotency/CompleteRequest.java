package io.github.sqsreliable.idempotency;

import java.util.Objects;

/**
 * One key to mark done, in a {@link IdempotencyStore#completeAll(java.util.List, java.time.Duration)} call.
 *
 * @param key the store key, as it was acquired
 * @param token the token of the acquisition that holds it
 */
public record CompleteRequest(String key, FencingToken token) {

    /**
     * Checks that neither value is null.
     *
     * @param key the store key
     * @param token the token of the acquisition that holds it
     */
    public CompleteRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(token, "token");
    }
}
