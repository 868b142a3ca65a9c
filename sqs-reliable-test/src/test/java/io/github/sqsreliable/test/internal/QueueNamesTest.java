package io.github.sqsreliable.test.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QueueNamesTest {

    private static final String SQS_NAME = "[A-Za-z0-9_-]{1,80}";

    @Test
    void replacesCharactersSqsRejectsWithUnderscores() {
        assertThat(QueueNames.sanitise("handles[1] an order.é", 80)).isEqualTo("handles_1__an_order__");
    }

    @Test
    void uniqueNamesStartWithThePrefixAndDifferEachTime() {
        String first = QueueNames.unique("handlesOrders", false);
        String second = QueueNames.unique("handlesOrders", false);

        assertThat(first).startsWith("handlesOrders-").matches(SQS_NAME);
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void fifoNamesEndInDotFifo() {
        assertThat(QueueNames.unique("ordered", true)).startsWith("ordered-").endsWith(".fifo");
    }

    @Test
    void aLongPrefixIsCutSoThatEvenACompanionFifoNameFitsEightyCharacters() {
        String name = QueueNames.unique("x".repeat(200), true);

        String companion = QueueNames.companion(name, "-retry");

        assertThat(companion).hasSizeLessThanOrEqualTo(80).endsWith("-retry.fifo");
        assertThat(companion.substring(0, companion.length() - ".fifo".length())).matches(SQS_NAME);
    }

    @Test
    void aCompanionOfAStandardQueueAppendsTheSuffix() {
        assertThat(QueueNames.companion("orders-1-ab12cd34", "-dlq")).isEqualTo("orders-1-ab12cd34-dlq");
    }

    @Test
    void anEmptyPrefixBecomesQueue() {
        assertThat(QueueNames.unique("", false)).startsWith("queue-");
    }

    @Test
    void rejectsACompanionSuffixThatDoesNotFit() {
        assertThatThrownBy(() -> QueueNames.companion("orders", "-deadletter"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("suffix (-deadletter) must be at most 6 characters");
    }
}
