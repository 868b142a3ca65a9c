package io.github.sqsreliable.example.image.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.example.image.samples.SyntheticImages;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MediaTypesTest {

    @Test
    void acceptsImagesAndOctetStreamsWhateverTheCaseAndParameters() {
        assertThat(MediaTypes.acceptableUpload("image/jpeg")).isTrue();
        assertThat(MediaTypes.acceptableUpload("Image/PNG; q=1")).isTrue();
        assertThat(MediaTypes.acceptableUpload("image/webp")).isTrue(); // the bytes decide later
        assertThat(MediaTypes.acceptableUpload("application/octet-stream")).isTrue();
    }

    @Test
    void refusesEverythingElse() {
        assertThat(MediaTypes.acceptableUpload("text/plain")).isFalse();
        assertThat(MediaTypes.acceptableUpload("text/html; charset=utf-8")).isFalse();
        assertThat(MediaTypes.acceptableUpload("multipart/form-data; boundary=x")).isFalse();
        assertThat(MediaTypes.acceptableUpload("image/")).isFalse();
        assertThat(MediaTypes.acceptableUpload("imagery/jpeg")).isFalse();
    }

    @Test
    void namesTheTypeOfStoredBytesFromTheirMagicNumbers() {
        assertThat(SyntheticImages.create().valid()).allSatisfy(sample -> assertThat(MediaTypes.ofImage(sample.bytes()))
                .isEqualTo("image/" + switch (sample.format().orElseThrow()) {
                    case JPEG -> "jpeg";
                    case PNG -> "png";
                    case GIF -> "gif";
                    case BMP -> "bmp";
                }));
        assertThat(MediaTypes.ofImage("hello".getBytes(StandardCharsets.UTF_8))).isEqualTo("application/octet-stream");
        assertThat(MediaTypes.ofImage(new byte[0])).isEqualTo("application/octet-stream");
    }
}
