package io.github.sqsreliable.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The end-to-end behaviour every idempotency store must give a consumer, on a real (embedded) SQS: each store's
 * module extends this class and supplies its store.
 */
@Timeout(180)
public abstract class IdempotentConsumingContract {

    /** @return the store under test, shared by both consumers of a test */
    protected abstract IdempotencyStore store();

    @Test
    void twoConsumersHandleEachOfAThousandKeysOnceAlthoughEachWasSentThreeTimes() {
        // given 1,000 orders, each sent three times (producer duplicates: three message ids per key)
        EmbeddedSqs sqs = EmbeddedSqs.shared();
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(5)));
        List<String> bodies = new ArrayList<>();
        for (int copy = 0; copy < 3; copy++) {
            for (int i = 0; i < 1_000; i++) {
                bodies.add("order-" + i);
            }
        }
        Collections.shuffle(bodies);
        sqs.sendAll(queueUrl, bodies);
        Map<String, AtomicInteger> handlerCalls = new ConcurrentHashMap<>();
        Idempotency idempotency = Idempotency.builder()
                .store(store())
                .key(message -> message.body())
                .namespace("orders-" + queueUrl.hashCode())
                .build();

        // when two consumers share the store
        try (SqsConsumer first = consumer(sqs, queueUrl, idempotency, handlerCalls);
             SqsConsumer second = consumer(sqs, queueUrl, idempotency, handlerCalls)) {
            first.start();
            second.start();
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
                    .until(() -> sqs.counts(queueUrl).total() == 0);

            // then each key ran exactly once, and the 2,000 duplicates were deleted without running
            assertThat(handlerCalls).hasSize(1_000);
            assertThat(handlerCalls.values()).allSatisfy(calls -> assertThat(calls).hasValue(1));
            ConsumerMetrics a = first.metrics();
            ConsumerMetrics b = second.metrics();
            assertThat(a.duplicatesSkipped() + b.duplicatesSkipped()).isEqualTo(2_000);
            assertThat(a.deleted() + b.deleted()).isEqualTo(3_000);
            assertThat(a.succeeded() + b.succeeded()).isEqualTo(1_000);
        }
    }

    /**
     * The issue-19 scenario: an IAM policy without {@code sqs:ChangeMessageVisibility} (simulated by
     * {@link RefuseVisibilityChanges}, which fails every ChangeMessageVisibility(Batch) with a real
     * {@code SqsException}, {@code AccessDenied}, status 403), and handlers that run 2.5 visibility timeouts. SQS
     * delivers each message again while its handler runs; the key, renewed on the store on its own schedule,
     * stays held, so that copy waits, and once the first run completed a later copy is deleted without running.
     */
    @Test
    void eachMessageRunsOnceAndEndsDeletedWhenSqsRefusesEveryVisibilityChange() throws Exception {
        // given a 2 s visibility timeout, three messages, and handlers that take 5 s
        EmbeddedSqs sqs = EmbeddedSqs.shared();
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(2)));
        sqs.sendAll(queueUrl, List.of("a", "b", "c"));
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<ConsumerEvent.VisibilityExtensionRefused> refusals = new CopyOnWriteArrayList<>();
        List<ConsumerEvent.LeaseLost> leasesLost = new CopyOnWriteArrayList<>();
        List<SqsMessage> deletedCopies = new CopyOnWriteArrayList<>();
        RefuseVisibilityChanges refuse = new RefuseVisibilityChanges();

        // when one consumer whose client may not change visibility consumes them with idempotency
        try (SqsAsyncClient client = sqs.newClient(refuse);
             SqsConsumer consumer = SqsConsumer.builder()
                     .sqsClient(client)
                     .queueUrl(queueUrl)
                     .waitTime(Duration.ofSeconds(1))
                     .maxConcurrency(8)
                     .idempotency(Idempotency.builder()
                             .store(store())
                             .namespace("refused-" + queueUrl.hashCode())
                             .build())
                     .handler(message -> {
                         runs.computeIfAbsent(message.body(), b -> new AtomicInteger()).incrementAndGet();
                         SimulatedWork.lasting(Duration.ofSeconds(5));
                     })
                     .listener(new ConsumerListener() {
                         @Override
                         public void onVisibilityExtensionRefused(ConsumerEvent.VisibilityExtensionRefused event) {
                             refusals.add(event);
                         }

                         @Override
                         public void onLeaseLost(ConsumerEvent.LeaseLost event) {
                             leasesLost.add(event);
                         }

                         @Override
                         public void onDeleted(ConsumerEvent.MessageDeleted event) {
                             deletedCopies.add(event.message());
                         }
                     })
                     .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                    .until(() -> sqs.counts(queueUrl).total() == 0);
            // and nothing comes back for longer than a visibility timeout
            Thread.sleep(3_000);

            // then each handler ran exactly once, and every message was deleted
            assertThat(runs).containsOnlyKeys("a", "b", "c");
            assertThat(runs.values()).allSatisfy(count -> assertThat(count).hasValue(1));
            assertThat(sqs.counts(queueUrl).total()).isZero();
            ConsumerMetrics metrics = consumer.metrics();
            assertThat(metrics.succeeded()).isEqualTo(3);
            // each message was received again while its handler ran, and that copy waited for the key
            assertThat(metrics.redeliveredWhileHeld()).isGreaterThanOrEqualTo(3);
            assertThat(metrics.duplicatesInProgress()).isGreaterThanOrEqualTo(3);
            // one confirmed delete per message; a first run's delete with its stale receipt handle may fail (ElasticMQ
            // refuses it, as SQS may), and then a later copy, found done, was deleted with its own handle
            assertThat(deletedCopies).extracting(SqsMessage::body).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(metrics.duplicatesSkipped()).isEqualTo(metrics.deleteFailures());
            // the refusal was reported once, as what it is, and no lease was reported lost per message
            assertThat(refuse.refused()).isPositive();
            assertThat(metrics.visibilityExtensionsRefused()).isPositive();
            assertThat(refusals).singleElement().satisfies(refused -> {
                assertThat(refused.errorCode()).isEqualTo("AccessDenied");
                assertThat(refused.meaning()).contains("sqs:ChangeMessageVisibility");
            });
            assertThat(leasesLost).isEmpty();
            assertThat(metrics.leasesLost()).isZero();
            System.out.printf("refused-extensions scenario: %s%n", metrics);
        }
    }

    private static SqsConsumer consumer(EmbeddedSqs sqs, String queueUrl, Idempotency idempotency,
                                        Map<String, AtomicInteger> handlerCalls) {
        return SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .maxConcurrency(16)
                .idempotency(idempotency)
                .handler(message -> handlerCalls.computeIfAbsent(message.body(), b -> new AtomicInteger())
                        .incrementAndGet())
                .build();
    }
}
