package io.github.sqsreliable.example.image.imaging;

/**
 * Thrown when bytes cannot be turned into an image: empty, not an image, a format we do not decode, corrupt,
 * truncated, or larger than the configured pixel limit. Retrying never helps, so the pipeline treats it as a
 * permanent failure (dead letter). {@link #reason()} is a short, human-readable cause such as
 * {@code "truncated JPEG"} or {@code "not an image: unknown format (first bytes 0x3C 0x68 0x74 0x6D …)"}.
 */
public final class UnsupportedImageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    UnsupportedImageException(String reason) {
        this(reason, null);
    }

    UnsupportedImageException(String reason, Throwable cause) {
        super("unsupported image: " + reason, cause);
        this.reason = reason;
    }

    /** The cause in a few words, without the {@code "unsupported image: "} prefix of the message. */
    public String reason() {
        return reason;
    }
}
