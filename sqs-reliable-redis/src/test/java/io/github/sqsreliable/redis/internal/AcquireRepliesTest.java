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

    @Test
    void decodesAcquiredInProgressAndCompletedInOrder() {
        List<Object> reply = Arrays.asList(0L, 300_000L, null, 1L, 1_234L, "h", 2L, 86_000_000L, null);

        List<AcquireResult> results = AcquireReplies.decode(reply, List.of(first, second, third));

        assertThat(results).containsExactly(
                new AcquireResult.Acquired(first),
                new AcquireResult.InProgress(Duration.ofMillis(1_234), "h"),
                new AcquireResult.Completed(null));
    }

    @Test
    void rejectsAReplyOfTheWrongLength() {
        assertThatThrownBy(() -> AcquireReplies.decode(List.of(0L, 1L), List.of(first)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unexpected reply to the acquire script for 1 keys");
    }

    @Test
    void rejectsAnUnknownResultCode() {
        assertThatThrownBy(() -> AcquireReplies.decode(Arrays.asList(7L, 1L, null), List.of(first)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("unexpected result code 7 in the acquire reply");
    }
}
