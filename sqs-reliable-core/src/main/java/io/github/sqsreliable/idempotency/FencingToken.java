package io.github.sqsreliable.idempotency;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Proof of one acquisition of a key. Only the holder of the current token may complete, release or renew the
 * key: an owner whose lease expired and was taken over holds a stale token, and its writes are refused.
 *
 * @param value an opaque value, unique per acquisition
 */
public record FencingToken(String value) {

    /**
     * 96 random bits drawn once per class loader: tokens are then this prefix and a counter, unique without a
     * call to the secure random source per acquisition (which a UUID would make, under a lock).
     */
    private static final String PREFIX = randomHex(12) + "-";
    private static final AtomicLong COUNTER = new AtomicLong();

    /**
     * Checks that the value is neither null nor blank.
     *
     * @param value an opaque value, unique per acquisition
     * @throws IllegalArgumentException if {@code value} is blank
     */
    public FencingToken {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("a fencing token must not be blank");
        }
    }

    /**
     * A token no other acquisition has, in this process or another: a random prefix drawn once, and a counter.
     * Its characters are lower-case hex digits and {@code -}, as a UUID's.
     *
     * @return a new token
     */
    public static FencingToken random() {
        return new FencingToken(PREFIX + Long.toHexString(COUNTER.incrementAndGet()));
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
