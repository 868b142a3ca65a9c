package io.github.sqsreliable.example.image.imaging;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalInt;

/** The EXIF fields we keep, read with metadata-extractor. */
record ExifFields(
        Optional<String> make, Optional<String> model, Optional<LocalDateTime> dateTaken, OptionalInt orientation) {

    static final ExifFields NONE = new ExifFields(Optional.empty(), Optional.empty(), Optional.empty(),
            OptionalInt.empty());

    private static final DateTimeFormatter EXIF_DATE = DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss");

    static ExifFields read(byte[] bytes) {
        Metadata metadata;
        try {
            metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
        } catch (ImageProcessingException | IOException | RuntimeException e) {
            // Metadata is a bonus: a mangled EXIF block must not turn a decodable photo into a dead letter.
            return NONE;
        }
        ExifIFD0Directory ifd0 = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
        ExifSubIFDDirectory sub = metadata.getFirstDirectoryOfType(ExifSubIFDDirectory.class);
        Optional<LocalDateTime> date = date(sub, ExifSubIFDDirectory.TAG_DATETIME_ORIGINAL)
                .or(() -> date(ifd0, ExifIFD0Directory.TAG_DATETIME));
        OptionalInt orientation = OptionalInt.empty();
        if (ifd0 != null && ifd0.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
            Integer value = ifd0.getInteger(ExifIFD0Directory.TAG_ORIENTATION);
            if (value != null && value >= 1 && value <= 8) {
                orientation = OptionalInt.of(value);
            }
        }
        return new ExifFields(text(ifd0, ExifIFD0Directory.TAG_MAKE), text(ifd0, ExifIFD0Directory.TAG_MODEL),
                date, orientation);
    }

    private static Optional<String> text(Directory directory, int tag) {
        if (directory == null) {
            return Optional.empty();
        }
        // cameras pad these fields with spaces and NULs
        return Optional.ofNullable(directory.getString(tag)).map(s -> s.replace('\0', ' ').trim())
                .filter(s -> !s.isEmpty());
    }

    private static Optional<LocalDateTime> date(Directory directory, int tag) {
        // parsed by hand: metadata-extractor's getDate() would attach the JVM's default time zone
        return text(directory, tag).flatMap(s -> {
            try {
                return Optional.of(LocalDateTime.parse(s, EXIF_DATE));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        });
    }
}
