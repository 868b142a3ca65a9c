package io.github.sqsreliable.example.image.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiRoutesTest {

    @Test
    void splitsThePathIgnoringOuterSlashes() {
        assertThat(ApiRoutes.segments("/")).isEmpty();
        assertThat(ApiRoutes.segments("")).isEmpty();
        assertThat(ApiRoutes.segments(null)).isEmpty();
        assertThat(ApiRoutes.segments("/images")).containsExactly("images");
        assertThat(ApiRoutes.segments("/images/abc/")).containsExactly("images", "abc");
        assertThat(ApiRoutes.segments("/images/abc/small")).containsExactly("images", "abc", "small");
    }

    @Test
    void keepsEmptyAndEncodedSegmentsSoTheyNeverMatchAName() {
        assertThat(ApiRoutes.segments("/images//small")).containsExactly("images", "", "small");
        assertThat(ApiRoutes.segments("/images/..%2Fetc")).containsExactly("images", "..%2Fetc");
        assertThat(ImageEndpoints.NAME.matcher("..%2Fetc").matches()).isFalse();
        assertThat(ImageEndpoints.NAME.matcher("").matches()).isFalse();
    }
}
