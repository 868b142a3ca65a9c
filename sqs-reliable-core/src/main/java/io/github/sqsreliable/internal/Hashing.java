package io.github.sqsreliable.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The one SHA-256 helper: idempotency keys, payload hashes and FIFO deduplication ids all use it. */
public final class Hashing {

    private Hashing() {
    }

    /**
     * @param text any text
     * @return the SHA-256 of its UTF-8 bytes, as 64 lower-case hex characters
     */
    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
