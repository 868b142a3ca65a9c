package io.github.sqsreliable.example.image.catalog;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One image as the catalog records it: who uploaded it, what it is, and where its variants are.
 *
 * @param imageId the image
 * @param userId the uploading user
 * @param sequence the user's upload number
 * @param format the detected format, e.g. {@code "JPEG"}
 * @param width the original's width in pixels
 * @param height the original's height in pixels
 * @param variants variant name to blob key
 * @param recordedAt when the catalog stage recorded it
 */
public record CatalogEntry(
        String imageId,
        String userId,
        long sequence,
        String format,
        int width,
        int height,
        Map<String, String> variants,
        Instant recordedAt) {

    /** Validates and copies the components. */
    public CatalogEntry {
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(recordedAt, "recordedAt");
        variants = Map.copyOf(Objects.requireNonNull(variants, "variants"));
    }
}
