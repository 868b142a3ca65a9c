package io.github.sqsreliable.redis.internal;

import io.github.sqsreliable.idempotency.FencingToken;

/**
 * The layout of a record: one Redis string, {@code expiresAt|state|token[|payloadHash]}.
 * <ul>
 *   <li>{@code expiresAt}: when the lease or the completed record expires, epoch milliseconds of the server's
 *       clock, as decimal digits;</li>
 *   <li>{@code state}: {@code I} (in progress) or {@code C} (completed);</li>
 *   <li>{@code token}: the holder's fencing token; empty once completed. The store writes only tokens it made
 *       ({@link FencingToken#random()}: hex digits and {@code -}), which never contain {@code |};</li>
 *   <li>{@code |payloadHash}: present only when the acquirer gave one. Last, so that it may hold any character,
 *       {@code |} included, and an empty hash ({@code ...|}) stays distinct from none.</li>
 * </ul>
 * {@code expiresAt} comes first so that a script writes a record as the new expiry followed by a tail the client
 * built; e.g. {@code 1767225600000|I|0b7c…|9f86…} in progress, {@code 1767312000000|C||9f86…} completed.
 */
public final class Records {

    private static final char SEPARATOR = '|';

    private Records() {
    }

    /**
     * @param token a holder's token
     * @return how a lease held by that token appears in its record, right after {@code expiresAt}:
     *     {@code |I|token}
     */
    public static String lease(FencingToken token) {
        return "|I|" + token.value();
    }

    /**
     * @param token the new holder's token
     * @param payloadHash the acquirer's payload hash, or null
     * @return what follows {@code expiresAt} in a new in-progress record: {@code |I|token} or
     *     {@code |I|token|payloadHash}
     */
    public static String inProgressTail(FencingToken token, String payloadHash) {
        String tail = lease(token);
        return payloadHash == null ? tail : tail + SEPARATOR + payloadHash;
    }

    /**
     * @param rest what follows the token in a record, as the acquire script replies it
     * @return the payload hash, or null when the record has none
     * @throws IllegalStateException if {@code rest} is neither empty nor starts with {@code |}
     */
    public static String payloadHash(String rest) {
        if (rest.isEmpty()) {
            return null;
        }
        if (rest.charAt(0) != SEPARATOR) {
            throw new IllegalStateException("unexpected payload hash part in the acquire reply: " + rest);
        }
        return rest.substring(1);
    }
}
