package io.github.sqsreliable.example.image.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.example.image.samples.SyntheticImages.Sample;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SyntheticImagesTest {

    @Test
    void sameSeedGivesTheSameSamples() {
        assertThat(SyntheticImages.create(7).valid().get(2)).isEqualTo(SyntheticImages.create(7).valid().get(2));
        assertThat(SyntheticImages.create(7).corrupt()).isEqualTo(SyntheticImages.create(7).corrupt());
    }

    @Test
    void differentSeedsGiveDifferentPictures() {
        assertThat(SyntheticImages.create(7).valid().get(2).bytes())
                .isNotEqualTo(SyntheticImages.create(8).valid().get(2).bytes());
    }

    @Test
    void coversEveryFormatAndARealWorkload() {
        SyntheticImages images = SyntheticImages.create();

        assertThat(images.valid()).extracting(s -> s.format().orElseThrow().name())
                .contains("JPEG", "PNG", "GIF", "BMP");
        assertThat(images.valid()).allMatch(Sample::valid);
        assertThat(images.corrupt()).noneMatch(Sample::valid);
        assertThat(images.largest().width() * images.largest().height()).isEqualTo(3000 * 2000);
    }

    @Test
    void exifSegmentIsAnApp1MarkerWithTheExifHeader() {
        byte[] segment = SyntheticImages.exifSegment();

        assertThat(segment[0] & 0xFF).isEqualTo(0xFF);
        assertThat(segment[1] & 0xFF).isEqualTo(0xE1);
        assertThat((segment[2] & 0xFF) << 8 | segment[3] & 0xFF).isEqualTo(segment.length - 2);
        assertThat(new String(segment, 4, 6, StandardCharsets.US_ASCII)).isEqualTo("Exif\0\0");
        assertThat(new String(segment, StandardCharsets.US_ASCII)).contains(SyntheticImages.EXIF_MODEL);
    }

    @Test
    void samplesDoNotShareTheirBytes() {
        Sample sample = SyntheticImages.create().valid().get(0);

        sample.bytes()[0] = 0;

        assertThat(sample.bytes()[0] & 0xFF).isEqualTo(0xFF);
    }
}
