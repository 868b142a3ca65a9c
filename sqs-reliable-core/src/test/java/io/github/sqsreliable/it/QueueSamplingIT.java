package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.ObservedConsumer;
import io.github.sqsreliable.observe.QueueDepth;
import io.github.sqsreliable.observe.QueueDepth.QueueRole;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.retry.RetryPolicy;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.testing.RecordingInterceptor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The queue-level gauges: depths of the main, retry and dead-letter queues sampled with one GetQueueAttributes call
 * per queue per interval, the age of the oldest message received, backlog per worker, and the lifecycle callbacks
 * that let a listener register and remove gauges.
 */
@Timeout(60)
class QueueSamplingIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @Test
    void samplesEveryQueueOfTheConsumerOncePerIntervalAndReportsBacklogPerWorker() throws Exception {
        // given a main queue with 30 messages that waited at least 2 s, a retry queue and a dead-letter queue
        String main = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(30)));
        String retry = sqs.createQueue(QueueSpec.standard().namePrefix("retry"));
        String deadLetter = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        sqs.sendMessages(main, 30);
        sqs.sendMessages(deadLetter, 3);
        Thread.sleep(2_000);
        CountDownLatch release = new CountDownLatch(1);
        RecordingInterceptor requests = new RecordingInterceptor();
        SqsAsyncClient counting = sqs.newClient(requests);
        Recorder recorder = new Recorder();
        // and a consumer whose two workers block, with no prefetch, so 28 stay visible
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(counting)
                .queueUrl(main)
                .handler(message -> release.await(30, TimeUnit.SECONDS))
                .maxConcurrency(2)
                .prefetch(0)
                .consumeRetryQueues(false)
                .retry(r -> r.onSameQueue(1, Backoff.fixed(Duration.ofSeconds(1)))
                        .thenQueue(retry, 1, Backoff.fixed(Duration.ofSeconds(1)))
                        .thenDeadLetter(deadLetter))
                .queueSampling(Duration.ofSeconds(1))
                .listener(recorder)
                .build()) {
            consumer.start();

            // then the listener was given the consumer, and each sample covers the three queues in order
            assertThat(recorder.started).containsExactly(consumer);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<QueueRole, QueueDepth> depths = byRole(consumer.queueDepths());
                assertThat(depths).containsOnlyKeys(QueueRole.MAIN, QueueRole.RETRY, QueueRole.DEAD_LETTER);
                assertThat(depths.get(QueueRole.MAIN).visible()).isEqualTo(28);
                assertThat(depths.get(QueueRole.MAIN).inFlight()).isEqualTo(2);
                assertThat(depths.get(QueueRole.DEAD_LETTER).visible()).isEqualTo(3);
                assertThat(depths.get(QueueRole.RETRY).visible()).isZero();
                assertThat(consumer.handling()).isEqualTo(2);
                assertThat(consumer.backlogPerWorker()).hasValue(14.0);
            });
            assertThat(consumer.queueDepths()).extracting(QueueDepth::queueUrl).containsExactly(main, retry,
                    deadLetter);
            // and the sample after the two receives says they had waited at least the 2 s before the consumer
            // started; later samples, with messages visible and none received (the workers are stuck), say unknown
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.ages.stream()
                    .anyMatch(java.util.Optional::isPresent));
            assertThat(recorder.ages).anySatisfy(age -> assertThat(age).hasValueSatisfying(known ->
                    assertThat(known).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(20))));
            await().atMost(Duration.ofSeconds(5)).until(() -> consumer.oldestMessageAge().isEmpty());
            // and sampling costs one call per queue per interval (about 1 s), never one per message
            int callsBefore = attributeCalls(requests);
            int samplesBefore = recorder.samples.get();
            long started = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.samples.get() - samplesBefore >= 3);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            int samples = recorder.samples.get() - samplesBefore;
            // three more samples at a 1 s interval: the third is started two ticks after the first, which may have
            // been answered late, just after this wait began; so more than 1 s, and about 3 s at most, give or take
            // load (the test used to count 2 to 4 samples in a 3 s sleep)
            assertThat(took).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(5));
            assertThat(attributeCalls(requests) - callsBefore).isBetween(3 * samples - 3, 3 * samples + 3);
            release.countDown();
        }
        assertThat(recorder.closed).hasSize(1);
    }

    @Test
    void anIdleEmptyQueueHasOldestAgeZeroAndSamplingOffCallsNothing() throws Exception {
        String main = sqs.createQueue();
        RecordingInterceptor requests = new RecordingInterceptor();
        SqsAsyncClient counting = sqs.newClient(requests);
        try (SqsConsumer consumer = SqsConsumer.builder().sqsClient(counting).queueUrl(main)
                .handler(message -> { }).waitTime(Duration.ofSeconds(1)).queueSampling(Duration.ofSeconds(1))
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.queueDepths().isEmpty());
            assertThat(consumer.oldestMessageAge()).hasValue(Duration.ZERO);
            assertThat(consumer.backlogPerWorker()).hasValue(0.0);
        }
        int withSampling = attributeCalls(requests);
        try (SqsConsumer consumer = SqsConsumer.builder().sqsClient(counting).queueUrl(main)
                .handler(message -> { }).waitTime(Duration.ofSeconds(1)).queueSampling(Duration.ZERO).build()) {
            consumer.start();
            Thread.sleep(2_500);
            assertThat(consumer.queueDepths()).isEmpty();
            assertThat(consumer.oldestMessageAge()).isEmpty();
            assertThat(consumer.backlogPerWorker()).isEmpty();
        }
        // start() reads the queue's attributes once; sampling adds none when off
        assertThat(withSampling).isGreaterThan(1);
        assertThat(attributeCalls(requests) - withSampling).isEqualTo(1);
    }

    @Test
    void handlerStartedTellsTheWaitAndFailedTellsTheClassification() {
        String main = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(5)));
        String deadLetter = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        sqs.sendAll(main, List.of("slow", "slow", "bad", "flaky"));
        Recorder recorder = new Recorder();
        AtomicInteger flakyRuns = new AtomicInteger();
        try (SqsConsumer consumer = SqsConsumer.builder().sqsClient(sqs.client()).queueUrl(main)
                .handler(message -> {
                    switch (message.body()) {
                        case "slow" -> Thread.sleep(300);
                        case "bad" -> throw new PermanentFailureException("unparseable");
                        case "flaky" -> {
                            if (flakyRuns.incrementAndGet() == 1) {
                                throw new IllegalStateException("try again");
                            }
                        }
                        default -> { }
                    }
                })
                .maxConcurrency(1)
                .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(deadLetter))
                .listener(recorder)
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().succeeded() == 3
                    && consumer.metrics().deadLettered() == 1);
        }
        assertThat(recorder.failures).containsEntry("bad", FailureKind.PERMANENT)
                .containsEntry("flaky", FailureKind.TRANSIENT);
        // one worker: a message received with others waited for the handlers before it
        assertThat(recorder.handlerStarts).hasSize(5);
        assertThat(recorder.handlerStarts.stream().map(ConsumerEvent.HandlerStarted::waited)
                .max(Duration::compareTo).orElseThrow()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }

    private static int attributeCalls(RecordingInterceptor requests) {
        return requests.calls("GetQueueAttributesRequest").size();
    }

    private static Map<QueueRole, QueueDepth> byRole(List<QueueDepth> depths) {
        return depths.stream().collect(Collectors.toMap(QueueDepth::role, d -> d));
    }

    private static final class Recorder implements ConsumerListener {
        final List<ObservedConsumer> started = new CopyOnWriteArrayList<>();
        final List<ObservedConsumer> closed = new CopyOnWriteArrayList<>();
        final AtomicInteger samples = new AtomicInteger();
        final List<java.util.Optional<Duration>> ages = new CopyOnWriteArrayList<>();
        final List<ConsumerEvent.HandlerStarted> handlerStarts = new CopyOnWriteArrayList<>();
        final Map<String, FailureKind> failures = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void onConsumerStarted(ObservedConsumer consumer) {
            started.add(consumer);
        }

        @Override
        public void onQueuesSampled(ObservedConsumer consumer) {
            samples.incrementAndGet();
            ages.add(consumer.oldestMessageAge());
        }

        @Override
        public void onConsumerClosed(ObservedConsumer consumer) {
            closed.add(consumer);
        }

        @Override
        public void onHandlerStarted(ConsumerEvent.HandlerStarted event) {
            handlerStarts.add(event);
        }

        @Override
        public void onFailed(ConsumerEvent.MessageFailed event) {
            failures.put(event.message().body(), event.kind());
        }
    }
}
