package io.github.sqsreliable.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.FencingToken;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcquireRepliesTest {

    private final FencingToken first = FencingToken.random();
    private final FencingToken second = FencingToken.random();
    private final FencingToken third = FencingToken.random();
    private final FencingToken fourth = FencingToken.random();

    @Test
    void decodesAcquiredInProgressAndCompletedInOrder() {
        List<Object> reply = Arrays.asList(0L, 1L, 1_234L, "|h", 2L, "", 0L);

        List<AcquireResult> results = AcquireReplies.decode(reply, List.of(first, second, third, fourth));

        assertThat(results).containsExactly(
                new AcquireResult.Acquired(first),
                new AcquireResult.InProgress(Duration.ofMillis(1_234), "h"),
                new AcquireResult.Completed(null),
                new AcquireResult.Acquired(fourth));
    }

    @Test
    void keepsAnEmptyPayloadHashApartFromNone() {
        assertThat(AcquireReplies.decode(List.of(2L, "|"), List.of(first)))
                .containsExactly(new AcquireResult.Completed(""));
    }

    @Test
    void rejectsAReplyTooShortForItsCodes() {
        assertThatThrownBy(() -> AcquireReplies.decode(List.of(1L, 5L), List.of(first)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unexpected reply to the acquire script for 1 keys");
    }

    @Test
    void rejectsAReplyWithValuesLeftOver() {
        assertThatThrownBy(() -> AcquireReplies.decode(List.of(0L, 0L), List.of(first)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unexpected reply to the acquire script for 1 keys");
    }

    @Test
    void rejectsAnUnknownResultCode() {
        assertThatThrownBy(() -> AcquireReplies.decode(Arrays.asList(7L, 1L, null), List.of(first)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("unexpected result code 7 in the acquire reply");
    }

    @Test
    void rejectsAPayloadHashPartWithoutItsSeparator() {
        assertThatThrownBy(() -> AcquireReplies.decode(List.of(2L, "h"), List.of(first)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("payload hash");
        assertThatThrownBy(() -> AcquireReplies.decode(Arrays.asList(2L, null), List.of(first)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("payload hash");
    }
}
