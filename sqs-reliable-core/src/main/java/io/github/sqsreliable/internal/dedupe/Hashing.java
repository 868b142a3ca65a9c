package io.github.sqsreliable.internal.dedupe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The one SHA-256 helper: idempotency keys, payload hashes and FIFO deduplication ids all use it. */
public final class Hashing {

    /** MessageDigest.getInstance looks the provider up on every call; a digest per thread is reused instead. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });

    private Hashing() {
    }

    /**
     * @param text any text
     * @return the SHA-256 of its UTF-8 bytes, as 64 lower-case hex characters
     */
    public static String sha256Hex(String text) {
        // digest() resets the digest, so the next call on this thread starts clean.
        return HexFormat.of().formatHex(SHA_256.get().digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
