package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.testing.RecordingInterceptor;
import io.github.sqsreliable.testing.RefuseVisibilityChanges;
import io.github.sqsreliable.testing.RecordingInterceptor.Call;
import io.github.sqsreliable.testing.SimulatedWork;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

@Timeout(60)
class VisibilityExtensionIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();
    private final RecordingInterceptor recorder = new RecordingInterceptor();
    private final SqsAsyncClient client = sqs.newClient(recorder);

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void handlerRunningThreeVisibilityTimeoutsCompletesOnceWithoutRedelivery() {
        // given a queue whose visibility timeout is 2 s and a handler that works for 6 s
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(2)));
        sqs.client().sendMessage(SendMessageRequest.builder().queueUrl(queueUrl).messageBody("slow").build()).join();
        List<SqsMessage> handled = new CopyOnWriteArrayList<>();

        // when
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(client)
                .queueUrl(queueUrl)
                .handler(message -> {
                    SimulatedWork.lasting(Duration.ofSeconds(6));
                    handled.add(message);
                })
                .waitTime(Duration.ofSeconds(1))
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 1);

            // then: handled once, on its first receive, after several extensions
            assertThat(handled).hasSize(1);
            SqsMessage message = handled.get(0);
            assertThat(message.receiveCount()).isEqualTo(1);
            assertThat(consumer.metrics().received()).isEqualTo(1);
            assertThat(consumer.metrics().visibilityExtensions()).isGreaterThanOrEqualTo(3);
            assertThat(consumer.metrics().leasesLost()).isZero();

            // and no extension is sent after (or overlaps) the delete
            List<String> handles = recorder.receiptHandles(message.messageId());
            assertThat(handles).hasSize(1);
            String handle = handles.get(0);
            Call delete = recorder.calls("DeleteMessageBatchRequest").stream()
                    .filter(c -> c.receiptHandles().contains(handle)).findFirst().orElseThrow();
            assertThat(recorder.lastVisibilityChangeFinished(handle)).isLessThan(delete.startedNanos());
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() ->
                    recorder.calls().stream()
                            .filter(c -> c.operation().startsWith("ChangeMessageVisibility"))
                            .filter(c -> c.receiptHandles().contains(handle))
                            .noneMatch(c -> c.startedNanos() > delete.startedNanos()));
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    @Test
    void extensionsOfManyMessagesShareBatchRequests() {
        // given 30 messages whose handlers each outlive two visibility timeouts
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(2)));
        sqs.sendAll(queueUrl, java.util.stream.IntStream.range(0, 30).mapToObj(i -> "m" + i).toList());

        // when
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(client)
                .queueUrl(queueUrl)
                .handler(message -> SimulatedWork.lasting(Duration.ofSeconds(5)))
                .maxConcurrency(30)
                .waitTime(Duration.ofSeconds(1))
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.metrics().deleted() == 30);

            // then every extension request carried several messages
            List<Call> extensions = recorder.calls("ChangeMessageVisibilityBatchRequest");
            long extendedEntries = extensions.stream().mapToLong(c -> c.receiptHandles().size()).sum();
            assertThat(extendedEntries).isGreaterThanOrEqualTo(60);
            assertThat((double) extensions.size() / extendedEntries).isLessThanOrEqualTo(0.35);
            assertThat(recorder.calls("ChangeMessageVisibilityRequest")).isEmpty();
            assertThat(consumer.metrics().received()).isEqualTo(30);
        }
    }

    /**
     * Without an idempotency store, what a user gets when SQS refuses every visibility change (an IAM policy
     * without {@code sqs:ChangeMessageVisibility}, simulated by {@link RefuseVisibilityChanges}: a real
     * {@code SqsException}, {@code AccessDenied}, status 403) and a handler outlives the visibility timeout: SQS
     * delivers the message again while the handler runs, and the copy is handled concurrently. Nothing is lost;
     * each such copy is counted and reported, and the refusal is reported once, not as lost leases.
     */
    @Test
    void withoutAStoreRefusedExtensionsMeanConcurrentDuplicateRunsThatAreCountedAndLoseNothing() {
        // given a 2 s visibility timeout, and handlers whose first run of each message takes 5 s (later ones none)
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(2)));
        sqs.sendAll(queueUrl, List.of("a", "b", "c"));
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<ConsumerEvent.RedeliveredWhileHeld> redelivered = new CopyOnWriteArrayList<>();
        List<ConsumerEvent.VisibilityExtensionRefused> refusals = new CopyOnWriteArrayList<>();
        RefuseVisibilityChanges refuse = new RefuseVisibilityChanges();

        // when
        try (SqsAsyncClient refusingClient = sqs.newClient(refuse);
             SqsConsumer consumer = SqsConsumer.builder()
                     .sqsClient(refusingClient)
                     .queueUrl(queueUrl)
                     .handler(message -> {
                         if (runs.computeIfAbsent(message.body(), b -> new AtomicInteger()).incrementAndGet() == 1) {
                             SimulatedWork.lasting(Duration.ofSeconds(5));
                         }
                     })
                     .maxConcurrency(8)
                     .waitTime(Duration.ofSeconds(1))
                     .listener(new ConsumerListener() {
                         @Override
                         public void onRedeliveredWhileHeld(ConsumerEvent.RedeliveredWhileHeld event) {
                             redelivered.add(event);
                         }

                         @Override
                         public void onVisibilityExtensionRefused(ConsumerEvent.VisibilityExtensionRefused event) {
                             refusals.add(event);
                         }
                     })
                     .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.metrics().succeeded() == 6
                    && consumer.metrics().inFlight() == 0);
            ConsumerMetrics metrics = consumer.metrics();

            // then: each message ran twice, the second time while the first still ran
            assertThat(runs).containsOnlyKeys("a", "b", "c");
            assertThat(runs.values()).allSatisfy(count -> assertThat(count).hasValue(2));
            // and each duplicate was counted and reported with its message
            assertThat(metrics.redeliveredWhileHeld()).isEqualTo(3);
            assertThat(redelivered).extracting(event -> event.message().body())
                    .containsExactlyInAnyOrder("a", "b", "c");
            // nothing was lost: every message was deleted after a successful run (the first runs' deletes, with
            // stale receipt handles, may fail; ElasticMQ refuses them), and nothing comes back
            assertThat(metrics.deleted()).isEqualTo(3);
            assertThat(metrics.deleted() + metrics.deleteFailures()).isEqualTo(6);
            assertThat(sqs.counts(queueUrl).total()).isZero();
            // the refusal: once, as a misconfiguration, and no lease reported lost per message
            assertThat(refusals).singleElement().satisfies(refused ->
                    assertThat(refused.errorCode()).isEqualTo("AccessDenied"));
            assertThat(refuse.refused()).isPositive();
            assertThat(metrics.visibilityExtensionsRefused()).isPositive();
            assertThat(metrics.leasesLost()).isZero();
        }
    }
}
