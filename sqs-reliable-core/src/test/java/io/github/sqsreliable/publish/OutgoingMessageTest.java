package io.github.sqsreliable.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.InvalidConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutgoingMessageTest {

    private static void assertRejected(OutgoingMessage.Builder builder, String field, String problem) {
        assertThatThrownBy(builder::build).isInstanceOfSatisfying(InvalidConfigurationException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).contains(problem);
        });
    }

    @Test
    void countsTheBodyAndAttributesAsSqsDoes() {
        OutgoingMessage message = OutgoingMessage.builder().body("héllo").stringAttribute("k", "v").build();

        // 6 UTF-8 bytes of body, then name (1) + "String" (6) + value (1)
        assertThat(message.size()).isEqualTo(6 + 1 + 6 + 1);
    }

    @Test
    void rejectsAnEmptyBody() {
        assertRejected(OutgoingMessage.builder().body(""), "body", "must be set");
    }

    @Test
    void rejectsACharacterSqsRefusesWithoutQuotingTheBody() {
        assertThatThrownBy(() -> OutgoingMessage.of("secret\u0000")).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("U+0000").hasMessageNotContaining("secret");
    }

    @Test
    void acceptsTheLargestMessageAndRejectsOneByteMore() {
        assertThat(OutgoingMessage.of("x".repeat(1_048_576)).size()).isEqualTo(1_048_576);
        assertRejected(OutgoingMessage.builder().body("x".repeat(1_048_577)), "body", "1048577 bytes");
    }

    @Test
    void rejectsADelayBeyondFifteenMinutesOrFinerThanASecond() {
        assertRejected(OutgoingMessage.builder().body("b").delay(Duration.ofMinutes(16)), "delay", "PT16M");
        assertRejected(OutgoingMessage.builder().body("b").delay(Duration.ofMillis(1500)), "delay", "whole number");
    }

    @Test
    void rejectsAnEleventhAttribute() {
        OutgoingMessage.Builder builder = OutgoingMessage.builder().body("b");
        for (int i = 0; i < 11; i++) {
            builder.stringAttribute("a" + i, "v");
        }
        assertRejected(builder, "attributes", "11 of them");
    }

    @Test
    void rejectsAReservedAttributeName() {
        assertRejected(OutgoingMessage.builder().body("b").stringAttribute("AWS.trace", "v"), "attributes",
                "reserves");
    }

    @Test
    void rejectsAGroupIdLongerThan128Characters() {
        assertRejected(OutgoingMessage.builder().body("b").messageGroupId("g".repeat(129)), "messageGroupId",
                "1 to 128");
    }

    @Test
    void toStringNeverShowsTheBody() {
        assertThat(OutgoingMessage.of("card 4111").toString()).doesNotContain("4111");
    }
}
