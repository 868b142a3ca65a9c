package io.github.sqsreliable.example.image.storage;

/**
 * Thrown when a blob key breaks the rules of {@link BlobKeys#requireValid(String)}; the message names the key
 * and the rule.
 */
public final class InvalidBlobKeyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;

    InvalidBlobKeyException(String key, String reason) {
        super("invalid blob key " + (key == null ? "null" : "'" + key + "'") + ": " + reason);
        this.key = key;
    }

    /** The rejected key, possibly {@code null}. */
    public String key() {
        return key;
    }
}
