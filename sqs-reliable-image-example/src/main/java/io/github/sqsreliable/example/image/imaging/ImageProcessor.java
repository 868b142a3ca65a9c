package io.github.sqsreliable.example.image.imaging;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG (baseline, progressive, CMYK through TwelveMonkeys), PNG, GIF and BMP, and renders every
 * {@link Variant} as PNG.
 *
 * <p>The format comes from the magic numbers, never from a name. The pixel count is read from the header and
 * checked against {@link Builder#maxPixels(long)} before any raster is allocated, so a small file declaring
 * 50 000 × 50 000 pixels (a decompression bomb) is rejected cheaply. Anything that cannot be decoded raises
 * {@link UnsupportedImageException} with a short reason; EXIF that cannot be read is simply left out.
 *
 * <p>Thread-safe: every call uses its own ImageIO reader.
 *
 * <pre>{@code
 * ImageProcessor processor = ImageProcessor.builder().maxPixels(20_000_000).build();
 * ProcessedImage result = processor.process(bytes);
 * byte[] thumbnail = result.variant(Variant.SMALL).orElseThrow();
 * }</pre>
 */
public final class ImageProcessor {

    /** The default limit on width × height: {@value} (40 megapixels). */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    static {
        // ImageIO only scans the classpath for plugins (TwelveMonkeys) once; do it before the first reader lookup.
        ImageIO.scanForPlugins();
        // Decoding is in memory; a disk cache would only add temp files and I/O.
        ImageIO.setUseCache(false);
    }

    private final long maxPixels;

    private ImageProcessor(Builder builder) {
        this.maxPixels = builder.maxPixels;
    }

    /** A processor with the defaults ({@link #DEFAULT_MAX_PIXELS}). */
    public static ImageProcessor create() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Detects the format from the leading bytes alone, without decoding: a cheap check for an upload API.
     *
     * @throws UnsupportedImageException if the bytes are empty, or not in a format this processor decodes
     */
    public static ImageFormat detectFormat(byte[] bytes) {
        return FormatSniffer.detect(bytes);
    }

    /** The limit on width × height. */
    public long maxPixels() {
        return maxPixels;
    }

    /**
     * Decodes {@code bytes}, reads the metadata and renders all variants.
     *
     * @throws UnsupportedImageException if the bytes are not an image this processor can decode
     */
    public ProcessedImage process(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        ImageFormat format = FormatSniffer.detect(bytes);
        BufferedImage image = Renderer.normalize(decode(bytes, format));
        ExifFields exif = ExifFields.read(bytes);
        ImageMetadata metadata = new ImageMetadata(format, image.getWidth(), image.getHeight(),
                exif.make(), exif.model(), exif.dateTaken(), exif.orientation());

        Map<String, byte[]> variants = new LinkedHashMap<>();
        Map<Integer, BufferedImage> resized = new LinkedHashMap<>();
        for (Variant variant : Variant.values()) {
            BufferedImage scaled = resized.computeIfAbsent(variant.maxSide(), side -> {
                int[] size = Renderer.fit(image.getWidth(), image.getHeight(), side);
                return Renderer.resize(image, size[0], size[1]);
            });
            variants.put(variant.id(), Renderer.png(variant.grayscale() ? Renderer.grayscale(scaled) : scaled));
        }
        return new ProcessedImage(metadata, variants);
    }

    private BufferedImage decode(byte[] bytes, ImageFormat format) {
        String name = format.name();
        ImageReader reader = reader(format);
        AtomicReference<String> truncation = new AtomicReference<>();
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(input, true, true);
            // The JDK's JPEG decoder only warns about missing data and fills the rest with gray; a broken upload
            // must fail, not become a half-gray thumbnail.
            reader.addIIOReadWarningListener(truncationListener(truncation));

            long width = reader.getWidth(0);
            long height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                throw new UnsupportedImageException("corrupt " + name + ": invalid size " + width + "x" + height);
            }
            if (width * height > maxPixels) {
                throw new UnsupportedImageException(String.format(
                        "too large: %dx%d is %,d pixels, more than the limit of %,d", width, height,
                        width * height, maxPixels));
            }
            BufferedImage image = reader.read(0);
            if (truncation.get() != null) {
                throw new UnsupportedImageException("truncated " + name + " (" + truncation.get() + ")");
            }
            return image;
        } catch (UnsupportedImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UnsupportedImageException(describe(name, e), e);
        } finally {
            reader.dispose();
        }
    }

    private static IIOReadWarningListener truncationListener(AtomicReference<String> truncation) {
        return (source, warning) -> {
            if (warning != null && warning.toLowerCase(Locale.ROOT).contains("premature end")) {
                truncation.compareAndSet(null, warning);
            }
        };
    }

    private static ImageReader reader(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO reader for " + format + " on the classpath");
        }
        return readers.next();
    }

    private static String describe(String format, Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return "truncated " + format;
            }
        }
        String message = error.getMessage();
        return "corrupt " + format + ": " + (message == null || message.isBlank()
                ? error.getClass().getSimpleName() : message);
    }

    /**
     * Configures an {@link ImageProcessor}. Not thread-safe; {@link #build()} validates and copies, so the
     * builder can be reused.
     */
    public static final class Builder {

        private long maxPixels = DEFAULT_MAX_PIXELS;

        private Builder() {
        }

        /**
         * The largest width × height accepted; larger images are rejected from their header. Default
         * {@link #DEFAULT_MAX_PIXELS} (40 megapixels). Each pixel needs about 4 bytes of heap while decoding,
         * plus the resized copies.
         */
        public Builder maxPixels(long maxPixels) {
            this.maxPixels = maxPixels;
            return this;
        }

        /**
         * Builds the processor.
         *
         * @throws IllegalArgumentException if {@code maxPixels} is not positive
         */
        public ImageProcessor build() {
            if (maxPixels <= 0) {
                throw new IllegalArgumentException("maxPixels (" + maxPixels + ") must be positive");
            }
            return new ImageProcessor(this);
        }
    }
}
