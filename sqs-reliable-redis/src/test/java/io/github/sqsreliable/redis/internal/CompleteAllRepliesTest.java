package io.github.sqsreliable.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompleteAllRepliesTest {

    @Test
    void decodesOneAnswerPerKeyInOrder() {
        assertThat(CompleteAllReplies.decode(List.of(1L, 0L, 1L), 3)).containsExactly(true, false, true);
    }

    @Test
    void rejectsAReplyOfTheWrongLength() {
        assertThatThrownBy(() -> CompleteAllReplies.decode(List.of(1L), 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unexpected reply to the completeAll script for 2 keys");
    }

    @Test
    void rejectsAValueOtherThanOneOrZero() {
        assertThatThrownBy(() -> CompleteAllReplies.decode(Arrays.asList(1L, 2L), 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unexpected value 2");
        assertThatThrownBy(() -> CompleteAllReplies.decode(Arrays.asList(1L, null), 2))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsAReplyThatIsNoList() {
        assertThatThrownBy(() -> CompleteAllReplies.decode(1L, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Long 1");
    }
}
