package io.github.sqsreliable.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestQueueTest {

    @Test
    void askingForADeadLetterQueueThatWasNotCreatedSaysHowToGetOne() {
        TestQueue queue = new TestQueue("q-1-abc", "http://localhost/q-1-abc", false, null, null);

        assertThatThrownBy(queue::deadLetterQueueUrl)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@QueueOptions(deadLetterQueue = true)");
    }

    @Test
    void askingForARetryQueueThatWasNotCreatedSaysHowToGetOne() {
        TestQueue queue = new TestQueue("q-1-abc", "http://localhost/q-1-abc", false, null, null);

        assertThatThrownBy(queue::retryQueueUrl)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@QueueOptions(retryQueue = true)");
    }

    @Test
    void listsTheQueueFirstThenItsCompanions() {
        TestQueue queue = new TestQueue("q", "u", false, "d", "r");

        assertThat(queue.allUrls()).containsExactly("u", "d", "r");
    }
}
