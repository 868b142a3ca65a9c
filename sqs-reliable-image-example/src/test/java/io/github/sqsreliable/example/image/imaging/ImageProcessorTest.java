package io.github.sqsreliable.example.image.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.example.image.samples.SyntheticImages;
import io.github.sqsreliable.example.image.samples.SyntheticImages.Sample;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageProcessorTest {

    private static final SyntheticImages SAMPLES = SyntheticImages.create();
    private final ImageProcessor processor = ImageProcessor.create();

    static Stream<Sample> validSamples() {
        return SAMPLES.valid().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validSamples")
    void rendersFourVariantsThatKeepTheAspectRatioAndNeverUpscale(Sample sample) {
        ProcessedImage result = processor.process(sample.bytes());

        assertThat(result.metadata().format()).isEqualTo(sample.format().orElseThrow());
        assertThat(result.metadata().width()).isEqualTo(sample.width());
        assertThat(result.metadata().height()).isEqualTo(sample.height());
        assertThat(result.variants()).containsOnlyKeys("small", "medium", "large", "grayscale");
        for (Variant variant : Variant.values()) {
            BufferedImage png = decodePng(result.variant(variant).orElseThrow());
            int expectedLongest = Math.min(variant.maxSide(), Math.max(sample.width(), sample.height()));
            assertThat(Math.max(png.getWidth(), png.getHeight())).as(variant.id()).isEqualTo(expectedLongest);
            double expectedShort = (double) Math.min(sample.width(), sample.height()) * expectedLongest
                    / Math.max(sample.width(), sample.height());
            assertThat((double) Math.min(png.getWidth(), png.getHeight())).as(variant.id())
                    .isCloseTo(expectedShort, org.assertj.core.data.Offset.offset(1.0));
            assertThat(png.getWidth() >= png.getHeight()).as("orientation of " + variant.id())
                    .isEqualTo(sample.width() >= sample.height());
        }
    }

    @Test
    void keepsSmallImagesAtTheirOriginalSize() {
        Sample tiny = SAMPLES.valid().get(0);
        assertThat(tiny.width()).isEqualTo(64);

        ProcessedImage result = processor.process(tiny.bytes());

        for (Variant variant : Variant.values()) {
            BufferedImage png = decodePng(result.variant(variant).orElseThrow());
            assertThat(png.getWidth()).isEqualTo(64);
            assertThat(png.getHeight()).isEqualTo(48);
        }
    }

    @Test
    void grayscaleVariantHasEqualRedGreenAndBlue() {
        ProcessedImage result = processor.process(SAMPLES.exifJpeg().bytes());

        BufferedImage gray = decodePng(result.variant(Variant.GRAYSCALE).orElseThrow());
        BufferedImage colour = decodePng(result.variant(Variant.MEDIUM).orElseThrow());
        assertThat(gray.getWidth()).isEqualTo(512);
        assertThat(allChannelsEqual(gray)).isTrue();
        assertThat(allChannelsEqual(colour)).as("the colour variant really has colour").isFalse();
    }

    @Test
    void grayscaleKeepsTransparency() {
        Sample png = SAMPLES.valid().stream().filter(s -> s.name().startsWith("badge")).findFirst().orElseThrow();

        BufferedImage gray = decodePng(processor.process(png.bytes()).variant(Variant.GRAYSCALE).orElseThrow());

        assertThat(gray.getColorModel().hasAlpha()).isTrue();
        assertThat(gray.getRGB(0, 0) >>> 24).as("transparent corner").isZero();
        assertThat(allChannelsEqual(gray)).isTrue();
    }

    @Test
    void readsExifFieldsFromTheSyntheticExifJpeg() {
        ImageMetadata metadata = processor.process(SAMPLES.exifJpeg().bytes()).metadata();

        assertThat(metadata.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(metadata.cameraMake()).contains(SyntheticImages.EXIF_MAKE);
        assertThat(metadata.cameraModel()).contains(SyntheticImages.EXIF_MODEL);
        assertThat(metadata.dateTaken()).contains(SyntheticImages.EXIF_DATE_TAKEN);
        assertThat(metadata.orientation()).hasValue(SyntheticImages.EXIF_ORIENTATION);
    }

    @Test
    void leavesExifFieldsEmptyWhenAbsent() {
        ImageMetadata metadata = processor.process(SAMPLES.largest().bytes()).metadata();

        assertThat(metadata.cameraMake()).isEmpty();
        assertThat(metadata.cameraModel()).isEmpty();
        assertThat(metadata.dateTaken()).isEmpty();
        assertThat(metadata.orientation()).isEmpty();
    }

    static Stream<Arguments> corruptSamples() {
        Map<String, String> reasons = Map.of(
                "truncated.jpg", "truncated JPEG",
                "truncated.png", "truncated PNG",
                "random.bin", "not an image: unknown format (first bytes 0x13 ",
                "page.html", "not an image: unknown format (first bytes 0x3C 0x68 0x74 0x6D 0x6C 0x3E 0x3C 0x62 …)",
                "empty.jpg", "empty input",
                "bomb-50000x50000.png", "too large: 50000x50000 is 2,500,000,000 pixels, more than the limit of 40,000,000");
        assertThat(SAMPLES.corrupt()).extracting(Sample::name).containsExactlyInAnyOrderElementsOf(reasons.keySet());
        return SAMPLES.corrupt().stream().map(s -> Arguments.of(s, reasons.get(s.name())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptSamples")
    void rejectsCorruptInputWithAMeaningfulReason(Sample sample, String reason) {
        assertThatThrownBy(() -> processor.process(sample.bytes()))
                .isInstanceOf(UnsupportedImageException.class)
                .satisfies(e -> assertThat(((UnsupportedImageException) e).reason()).startsWith(reason))
                .hasMessageStartingWith("unsupported image: ");
    }

    @Test
    void namesRecognisedFormatsItDoesNotDecode() {
        byte[] tiff = {'I', 'I', 0x2A, 0x00, 8, 0, 0, 0, 0, 0};
        byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> processor.process(tiff)).isInstanceOf(UnsupportedImageException.class)
                .hasMessage("unsupported image: unsupported format TIFF");
        assertThatThrownBy(() -> processor.process(webp)).isInstanceOf(UnsupportedImageException.class)
                .hasMessage("unsupported image: unsupported format WebP");
    }

    @Test
    void detectsTheFormatFromTheBytesAlone() {
        byte[] jpegMagicThenGarbage = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x01, 0x02, 0x03};

        assertThatThrownBy(() -> processor.process(jpegMagicThenGarbage))
                .isInstanceOf(UnsupportedImageException.class)
                .satisfies(e -> assertThat(((UnsupportedImageException) e).reason()).contains("JPEG"));
    }

    @Test
    void rejectsImagesAboveTheConfiguredPixelLimitFromTheHeader() {
        ImageProcessor strict = ImageProcessor.builder().maxPixels(64 * 48 - 1).build();

        assertThatThrownBy(() -> strict.process(SAMPLES.valid().get(0).bytes()))
                .isInstanceOf(UnsupportedImageException.class)
                .hasMessageContaining("too large: 64x48 is 3,072 pixels, more than the limit of 3,071");
        assertThat(ImageProcessor.builder().maxPixels(64 * 48).build().process(SAMPLES.valid().get(0).bytes()))
                .isNotNull();
    }

    @Test
    void defaultsToFortyMegapixels() {
        assertThat(ImageProcessor.create().maxPixels()).isEqualTo(40_000_000L);
    }

    @Test
    void builderRejectsNonPositiveMaxPixels() {
        assertThatThrownBy(() -> ImageProcessor.builder().maxPixels(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxPixels (0) must be positive");
    }

    @Test
    void processesTheLargestSample() {
        ProcessedImage result = processor.process(SAMPLES.largest().bytes());

        BufferedImage large = decodePng(result.variant(Variant.LARGE).orElseThrow());
        assertThat(large.getWidth()).isEqualTo(1024);
        assertThat(large.getHeight()).isEqualTo(683);
    }

    @Test
    void resultDoesNotExposeItsByteArrays() {
        ProcessedImage result = processor.process(SAMPLES.valid().get(0).bytes());
        byte[] small = result.variant(Variant.SMALL).orElseThrow();

        small[0] = 0;
        result.variants().get("small")[1] = 0;

        assertThat(result.variant(Variant.SMALL).orElseThrow()).startsWith(0x89, 'P');
        assertThat(result).isEqualTo(new ProcessedImage(result.metadata(), result.variants()));
    }

    private static boolean allChannelsEqual(BufferedImage image) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if ((rgb >> 16 & 0xFF) != (rgb >> 8 & 0xFF) || (rgb >> 8 & 0xFF) != (rgb & 0xFF)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static BufferedImage decodePng(byte[] png) {
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        try {
            return ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
