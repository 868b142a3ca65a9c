package io.github.sqsreliable.example.image.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BlobKeysTest {

    @ParameterizedTest
    @ValueSource(strings = {"originals/img-42", "variants/img-42/small.png", "a", "a.b_c-D/0"})
    void acceptsRelativeSlashSeparatedKeys(String key) {
        assertThat(BlobKeys.requireValid(key)).isEqualTo(key);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "../etc/passwd|'..' segments are not allowed",
        "originals/../../x|'..' segments are not allowed",
        "originals/./x|'.' segments are not allowed",
        "/etc/passwd|must be relative, not an absolute path",
        "C:/windows|must be relative, not an absolute path",
        "\\\\server\\share|must be relative, not an absolute path",
        "originals//x|must not contain an empty segment",
        "originals/|must not end with '/'",
        "originals/.tmp-1.part|must not start with '.'",
        "originals/a b|must be 1-128 characters of [A-Za-z0-9._-]",
        "originals\\x|must be 1-128 characters of [A-Za-z0-9._-]",
    })
    void rejectsKeysThatCouldEscapeOrHide(String key, String reason) {
        assertThatThrownBy(() -> BlobKeys.requireValid(key))
                .isInstanceOf(InvalidBlobKeyException.class)
                .hasMessageStartingWith("invalid blob key '" + key + "': ")
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(((InvalidBlobKeyException) e).key()).isEqualTo(key));
    }

    @Test
    void rejectsNullEmptyAndOverlongKeys() {
        assertThatThrownBy(() -> BlobKeys.requireValid(null)).hasMessage("invalid blob key null: must not be null");
        assertThatThrownBy(() -> BlobKeys.requireValid("")).hasMessage("invalid blob key '': must not be empty");
        String longKey = "a/".repeat(256) + "b";
        assertThatThrownBy(() -> BlobKeys.requireValid(longKey)).hasMessageContaining("longer than 512 characters (513)");
    }

    @Test
    void buildsOriginalAndVariantKeys() {
        assertThat(BlobKeys.original("img-42")).isEqualTo("originals/img-42");
        assertThat(BlobKeys.variant("img-42", "small")).isEqualTo("variants/img-42/small.png");
    }

    @Test
    void rejectsImageIdsThatAreNotOneSegment() {
        assertThatThrownBy(() -> BlobKeys.original("../x")).isInstanceOf(InvalidBlobKeyException.class)
                .hasMessageContaining("single segment");
        assertThatThrownBy(() -> BlobKeys.original("..")).isInstanceOf(InvalidBlobKeyException.class)
                .hasMessageContaining("'..' segments are not allowed");
        assertThatThrownBy(() -> BlobKeys.variant("img", null)).isInstanceOf(InvalidBlobKeyException.class);
    }
}
