package io.github.sqsreliable.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.sqsreliable.observe.QueueDepth;
import io.github.sqsreliable.observe.QueueDepth.QueueRole;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** The age-of-oldest logic and failure handling of the sampler; the calls themselves are checked in QueueSamplingIT. */
class QueueSamplerTest {

    private static final String MAIN = "http://localhost/000000000000/main";
    private static final String DLQ = "http://localhost/000000000000/dlq";

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final SqsAsyncClient client = mock(SqsAsyncClient.class);
    private volatile long visible = 5;
    private volatile boolean dlqMissing;

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private QueueSampler sampler() {
        return sampler(Duration.ofHours(1));
    }

    @SuppressWarnings("unchecked")
    private QueueSampler sampler(Duration interval) {
        when(client.getQueueAttributes(any(Consumer.class))).thenAnswer(invocation -> {
            GetQueueAttributesRequest.Builder builder = GetQueueAttributesRequest.builder();
            ((Consumer<GetQueueAttributesRequest.Builder>) invocation.getArgument(0)).accept(builder);
            GetQueueAttributesRequest request = builder.build();
            if (request.queueUrl().equals(DLQ) && dlqMissing) {
                return CompletableFuture.failedFuture(QueueDoesNotExistException.builder().message("gone").build());
            }
            return CompletableFuture.completedFuture(GetQueueAttributesResponse.builder().attributesWithStrings(Map.of(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES.toString(), Long.toString(visible),
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE.toString(), "2",
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED.toString(), "1")).build());
        });
        return new QueueSampler(client, interval, Clock.systemUTC());
    }

    @Test
    void theOldestAgeIsTheLongestWaitOfTheIntervalThenUnknownWhileMessagesWaitUnreceived() {
        QueueSampler sampler = sampler();
        AtomicInteger samples = new AtomicInteger();
        sampler.received("1000", 4_000);
        sampler.received("3000", 4_500);
        sampler.received("not a number", 4_500);
        sampler.received("9000", 4_500); // the host's clock is behind SQS's: counted as no wait, not negative
        sampler.start(scheduler, List.of(new QueueSampler.SampledQueue(MAIN, QueueRole.MAIN)),
                samples::incrementAndGet);
        await().until(() -> samples.get() == 1);

        assertThat(sampler.oldestMessageAge()).hasValue(Duration.ofSeconds(3));
        assertThat(sampler.queueDepths()).singleElement().satisfies(depth -> {
            assertThat(depth.visible()).isEqualTo(5);
            assertThat(depth.inFlight()).isEqualTo(2);
            assertThat(depth.delayed()).isEqualTo(1);
        });
    }

    @Test
    void aQueueThatCannotBeReadKeepsItsLastValuesAndTheOthersGoOn() throws Exception {
        QueueSampler sampler = sampler(Duration.ofMillis(50));
        AtomicInteger samples = new AtomicInteger();
        sampler.start(scheduler, List.of(new QueueSampler.SampledQueue(MAIN, QueueRole.MAIN),
                new QueueSampler.SampledQueue(DLQ, QueueRole.DEAD_LETTER)), samples::incrementAndGet);
        await().until(() -> samples.get() >= 1);
        assertThat(sampler.queueDepths()).extracting(QueueDepth::queueUrl).containsExactly(MAIN, DLQ);
        QueueDepth firstDeadLetter = sampler.queueDepths().get(1);
        // nothing received, 5 visible: unknown
        assertThat(sampler.oldestMessageAge()).isEmpty();

        dlqMissing = true;
        visible = 7;
        int before = samples.get();
        await().until(() -> samples.get() >= before + 2);
        sampler.stop();
        assertThat(sampler.queueDepths().get(0).visible()).isEqualTo(7);
        assertThat(sampler.queueDepths().get(1)).isEqualTo(firstDeadLetter);
    }

    @Test
    void anEmptyIdleQueueHasNoWaitAndSamplingOffDoesNothing() {
        visible = 0;
        dlqMissing = true;
        QueueSampler sampler = sampler();
        AtomicInteger samples = new AtomicInteger();
        sampler.start(scheduler, List.of(new QueueSampler.SampledQueue(MAIN, QueueRole.MAIN),
                new QueueSampler.SampledQueue(DLQ, QueueRole.DEAD_LETTER)), samples::incrementAndGet);
        await().until(() -> samples.get() == 1);
        assertThat(sampler.oldestMessageAge()).hasValue(Duration.ZERO);
        assertThat(sampler.queueDepths()).extracting(QueueDepth::queueUrl).containsExactly(MAIN);

        QueueSampler off = new QueueSampler(client, Duration.ZERO, Clock.systemUTC());
        off.received("1000", 5_000);
        off.start(scheduler, List.of(new QueueSampler.SampledQueue(MAIN, QueueRole.MAIN)), samples::incrementAndGet);
        assertThat(off.enabled()).isFalse();
        assertThat(off.sampled()).isFalse();
        assertThat(off.oldestMessageAge()).isEmpty();
    }
}
