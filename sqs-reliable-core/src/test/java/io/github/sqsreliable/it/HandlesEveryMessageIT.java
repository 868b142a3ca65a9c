package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class HandlesEveryMessageIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @Test
    void handlesAndDeletesTenThousandMessagesAtConcurrency32() {
        // given
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        List<String> bodies = IntStream.range(0, 10_000).mapToObj(i -> "message-" + i).collect(Collectors.toList());
        sqs.sendAll(queueUrl, bodies);
        Set<String> handled = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();

        // when
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .handler(message -> {
                    calls.incrementAndGet();
                    handled.add(message.body());
                })
                .maxConcurrency(32)
                .waitTime(Duration.ofSeconds(1))
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> consumer.metrics().deleted() == 10_000);

            // then
            ConsumerMetrics metrics = consumer.metrics();
            assertThat(handled).hasSize(10_000).containsAll(bodies);
            assertThat(calls.get()).isEqualTo(10_000);
            assertThat(metrics.succeeded()).isEqualTo(10_000);
            assertThat(metrics.deleteFailures()).isZero();
            assertThat(metrics.failed()).isZero();
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }
}
