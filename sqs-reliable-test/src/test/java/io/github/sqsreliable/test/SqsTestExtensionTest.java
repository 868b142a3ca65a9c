package io.github.sqsreliable.test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/** Invalid {@link QueueOptions} are rejected before any queue is created, so no server is needed. */
class SqsTestExtensionTest {

    @SuppressWarnings("unused")
    private static void samples(
            @QueueOptions(visibilityTimeout = "2 seconds") TestQueue notIso,
            @QueueOptions(visibilityTimeout = "PT1.5S") TestQueue fractional,
            @QueueOptions(visibilityTimeout = "PT13H") TestQueue tooLong,
            @QueueOptions(maxReceiveCount = 3) TestQueue redriveWithoutDeadLetterQueue,
            @QueueOptions(deadLetterQueue = true, maxReceiveCount = -1) TestQueue negativeReceiveCount,
            @QueueOptions(fifo = true, retryQueue = true) TestQueue fifoRetryQueue) {
    }

    private static QueueOptions options(int index) throws NoSuchMethodException {
        Method method = SqsTestExtensionTest.class.getDeclaredMethod("samples", TestQueue.class, TestQueue.class,
                TestQueue.class, TestQueue.class, TestQueue.class, TestQueue.class);
        return method.getParameters()[index].getAnnotation(QueueOptions.class);
    }

    @Test
    void rejectsAVisibilityTimeoutThatIsNotAnIsoDuration() throws Exception {
        assertThatThrownBy(() -> SqsTestExtension.createQueues(null, "t", options(0)))
                .isInstanceOf(ParameterResolutionException.class)
                .hasMessage("@QueueOptions visibilityTimeout (2 seconds) must be an ISO-8601 duration such as PT2S");
    }

    @Test
    void rejectsAVisibilityTimeoutThatIsNotWholeSeconds() throws Exception {
        assertThatThrownBy(() -> SqsTestExtension.createQueues(null, "t", options(1)))
                .hasMessage("@QueueOptions visibilityTimeout (PT1.5S) must be whole seconds from PT0S to PT12H");
    }

    @Test
    void rejectsAVisibilityTimeoutOverTwelveHours() throws Exception {
        assertThatThrownBy(() -> SqsTestExtension.createQueues(null, "t", options(2)))
                .hasMessage("@QueueOptions visibilityTimeout (PT13H) must be whole seconds from PT0S to PT12H");
    }

    @Test
    void rejectsAMaxReceiveCountWithoutADeadLetterQueue() throws Exception {
        assertThatThrownBy(() -> SqsTestExtension.createQueues(null, "t", options(3)))
                .hasMessageContaining("maxReceiveCount (3) needs deadLetterQueue = true");
    }

    @Test
    void rejectsANegativeMaxReceiveCount() throws Exception {
        assertThatThrownBy(() -> SqsTestExtension.createQueues(null, "t", options(4)))
                .hasMessageContaining("maxReceiveCount (-1) must be 0 (no RedrivePolicy) or more");
    }

    @Test
    void rejectsARetryQueueForAFifoQueue() throws Exception {
        assertThatThrownBy(() -> SqsTestExtension.createQueues(null, "t", options(5)))
                .hasMessageContaining("retryQueue must not be set with fifo");
    }
}
