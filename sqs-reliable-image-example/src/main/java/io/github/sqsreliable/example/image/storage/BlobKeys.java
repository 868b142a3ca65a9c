package io.github.sqsreliable.example.image.storage;

import java.util.regex.Pattern;

/**
 * Builds and validates blob keys.
 *
 * <p>A key is one or more segments joined by {@code /}. Each segment is 1 to 128 characters from
 * {@code [A-Za-z0-9._-]} and does not start with a dot, so {@code .} and {@code ..} (path traversal), hidden
 * files (the temporary files of {@link LocalDirectoryBlobStore}) and absolute paths are all impossible. Keys are
 * at most {@value #MAX_LENGTH} characters. The rules are strict on purpose: image ids arrive in SQS messages,
 * and a key must never reach outside the store's root, whatever a message says.
 *
 * <p>Thread-safe (stateless).
 */
public final class BlobKeys {

    /** The longest key accepted, in characters: {@value}. */
    public static final int MAX_LENGTH = 512;

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    private BlobKeys() {
    }

    /**
     * The key of an uploaded original: {@code originals/<imageId>}.
     *
     * @throws InvalidBlobKeyException if {@code imageId} is not a valid single segment
     */
    public static String original(String imageId) {
        return requireValid("originals/" + requireSegment(imageId));
    }

    /**
     * The key of a rendered variant: {@code variants/<imageId>/<variant>.png}.
     *
     * @throws InvalidBlobKeyException if {@code imageId} or {@code variant} is not a valid single segment
     */
    public static String variant(String imageId, String variant) {
        return requireValid("variants/" + requireSegment(imageId) + "/" + requireSegment(variant) + ".png");
    }

    /**
     * Returns {@code key} if it is valid.
     *
     * @throws InvalidBlobKeyException naming the broken rule otherwise
     */
    public static String requireValid(String key) {
        if (key == null) {
            throw new InvalidBlobKeyException(null, "must not be null");
        }
        if (key.isEmpty()) {
            throw new InvalidBlobKeyException(key, "must not be empty");
        }
        if (key.length() > MAX_LENGTH) {
            throw new InvalidBlobKeyException(key, "longer than " + MAX_LENGTH + " characters (" + key.length() + ")");
        }
        if (key.startsWith("/") || key.startsWith("\\") || (key.length() > 1 && key.charAt(1) == ':')) {
            throw new InvalidBlobKeyException(key, "must be relative, not an absolute path");
        }
        if (key.endsWith("/")) {
            throw new InvalidBlobKeyException(key, "must not end with '/'");
        }
        // split with limit -1 keeps empty segments, so "a//b" is caught below
        for (String segment : key.split("/", -1)) {
            checkSegment(key, segment);
        }
        return key;
    }

    private static String requireSegment(String segment) {
        if (segment == null) {
            throw new InvalidBlobKeyException(null, "segment must not be null");
        }
        if (segment.contains("/")) {
            throw new InvalidBlobKeyException(segment, "must be a single segment without '/'");
        }
        checkSegment(segment, segment);
        return segment;
    }

    private static void checkSegment(String key, String segment) {
        if (segment.isEmpty()) {
            throw new InvalidBlobKeyException(key, "must not contain an empty segment ('//')");
        }
        if (segment.equals("..") || segment.equals(".")) {
            throw new InvalidBlobKeyException(key, "'" + segment + "' segments are not allowed");
        }
        if (!SEGMENT.matcher(segment).matches()) {
            throw new InvalidBlobKeyException(key, "segment '" + segment
                    + "' must be 1-128 characters of [A-Za-z0-9._-] and must not start with '.'");
        }
    }
}
