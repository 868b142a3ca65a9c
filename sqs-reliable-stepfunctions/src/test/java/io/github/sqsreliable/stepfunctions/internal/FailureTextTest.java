package io.github.sqsreliable.stepfunctions.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FailureTextTest {

    @Test
    void theErrorIsTheSimpleClassNameOfWhatTheHandlerThrewUnwrapped() {
        assertThat(FailureText.error(new IllegalStateException("x"))).isEqualTo("IllegalStateException");
        assertThat(FailureText.error(new CompletionException(new ExecutionException(new ArithmeticException()))))
                .isEqualTo("ArithmeticException");
        RuntimeException anonymous = new RuntimeException() {
            private static final long serialVersionUID = 1L;
        };
        assertThat(FailureText.error(anonymous)).isEqualTo(anonymous.getClass().getName());
    }

    @Test
    void theCauseSaysWhatHappenedAndTheFailureWithoutControlCharacters() {
        String cause = FailureText.cause("message m-1 failed permanently",
                new IllegalArgumentException("bad\r\n\tline\u0007two"), "{}");

        assertThat(cause).isEqualTo("message m-1 failed permanently: java.lang.IllegalArgumentException: bad line two");
        assertThat(FailureText.cause("message m-1 failed permanently", new IllegalStateException(), "{}"))
                .isEqualTo("message m-1 failed permanently: java.lang.IllegalStateException");
    }

    @Test
    void aBodyQuotedInTheFailureIsReplaced() {
        String body = "{\"card\":\"4111-1111\"}";

        String cause = FailureText.cause("m", new IllegalStateException("cannot charge " + body + " twice"), body);

        assertThat(cause).isEqualTo("m: java.lang.IllegalStateException: cannot charge [message body] twice");
    }

    @Test
    void bodiesFrom8CharactersOnAreLookedFor() {
        assertThat(FailureText.cause("m", new IllegalStateException("bad 1234567!"), "1234567")).endsWith("1234567!");
        assertThat(FailureText.cause("m", new IllegalStateException("bad 12345678!"), "12345678"))
                .endsWith("bad [message body]!");
    }

    @Test
    void aShortBodyIsNotLookedFor() {
        // "7" would otherwise blank out every 7 of the message
        assertThat(FailureText.cause("m", new IllegalStateException("order 7 of 17"), "7"))
                .endsWith("order 7 of 17");
    }

    @Test
    void errorAndCauseAreCutToStepFunctionsLimits() {
        String error = FailureText.bound("E".repeat(300), FailureText.MAX_ERROR_LENGTH);
        assertThat(error).hasSize(256).endsWith("E…");

        String cause = FailureText.cause("m", new IllegalStateException("c".repeat(40_000)), "{}");
        assertThat(cause).hasSize(32_768).endsWith("c…");
        assertThat(FailureText.bound("c".repeat(32_768), FailureText.MAX_CAUSE_LENGTH)).hasSize(32_768)
                .doesNotContain("…");
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String text = "a".repeat(254) + "😀😀";

        String bounded = FailureText.bound(text, 256);

        assertThat(bounded).isEqualTo("a".repeat(254) + "…");
    }
}
