package io.github.sqsreliable.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
