package io.github.sqsreliable.example.image.imaging;

import java.time.LocalDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@link ImageProcessor} learns about an original: its format and size, and the EXIF fields present.
 *
 * @param format the detected format
 * @param width the width in pixels, as stored (EXIF orientation not applied)
 * @param height the height in pixels, as stored
 * @param cameraMake the EXIF {@code Make}, if present
 * @param cameraModel the EXIF {@code Model}, if present
 * @param dateTaken the EXIF {@code DateTimeOriginal} (or {@code DateTime}), which carries no time zone
 * @param orientation the EXIF {@code Orientation}, 1 to 8, if present
 */
public record ImageMetadata(
        ImageFormat format,
        int width,
        int height,
        Optional<String> cameraMake,
        Optional<String> cameraModel,
        Optional<LocalDateTime> dateTaken,
        OptionalInt orientation) {

    /** Validates the components. */
    public ImageMetadata {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(cameraMake, "cameraMake");
        Objects.requireNonNull(cameraModel, "cameraModel");
        Objects.requireNonNull(dateTaken, "dateTaken");
        Objects.requireNonNull(orientation, "orientation");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("width (" + width + ") and height (" + height + ") must be positive");
        }
    }
}
