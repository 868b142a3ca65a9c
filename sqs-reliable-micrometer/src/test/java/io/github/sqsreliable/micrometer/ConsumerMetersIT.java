package io.github.sqsreliable.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real consumer on ElasticMQ bound to a registry: messages that succeed, fail transiently then succeed, fail
 * permanently to the dead-letter queue, and move through a retry queue; every meter they touch, the gauges of the
 * consumer and of its three queues, and their removal on close.
 */
@Timeout(90)
class ConsumerMetersIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    /** ok: succeeds; flaky: fails once; bad: fails permanently; stubborn: fails until it is on the retry queue. */
    static MessageHandler scenarioHandler(String retryQueue) {
        return message -> {
            switch (message.body()) {
                case "flaky" -> {
                    if (message.receiveCount() == 1) {
                        throw new IllegalStateException("downstream busy");
                    }
                }
                case "bad" -> throw new PermanentFailureException("malformed");
                case "stubborn" -> {
                    if (!message.queueUrl().equals(retryQueue)) {
                        throw new IllegalStateException("still busy");
                    }
                }
                default -> Thread.sleep(20);
            }
        };
    }

    static final List<String> BODIES = List.of("ok", "ok", "ok", "flaky", "bad", "stubborn");

    @Test
    void countsTimesAndGaugesWhatARealConsumerDoesAndRemovesItsGaugesAtClose() {
        String main = sqs.createQueue(QueueSpec.standard().namePrefix("orders"));
        String retry = sqs.createQueue(QueueSpec.standard().namePrefix("orders-retry"));
        String dlq = sqs.createQueue(QueueSpec.standard().namePrefix("orders-dlq"));
        String mainName = name(main);
        String retryName = name(retry);
        sqs.sendAll(main, BODIES);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(main)
                .name("orders")
                .handler(scenarioHandler(retry))
                .maxConcurrency(4)
                .waitTime(Duration.ofSeconds(1))
                .retry(r -> r.onSameQueue(2, Backoff.fixed(Duration.ofMillis(500)))
                        .thenQueue(retry, 1, Backoff.fixed(Duration.ofMillis(500)))
                        .thenDeadLetter(dlq))
                .queueSampling(Duration.ofSeconds(1))
                .listener(SqsReliableMeters.bindTo(registry))
                .build()) {
            consumer.start();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(count(registry, "sqs.reliable.messages.handled", mainName, "outcome", "succeeded"))
                        .isEqualTo(4);
                assertThat(count(registry, "sqs.reliable.messages.handled", retryName, "outcome", "succeeded"))
                        .isEqualTo(1);
                // the 4 that succeeded, and the originals of the 2 moved to the retry and dead-letter queues
                assertThat(count(registry, "sqs.reliable.messages.deleted", mainName)).isEqualTo(6);
                assertThat(count(registry, "sqs.reliable.messages.deleted", retryName)).isEqualTo(1);
            });
            // the main queue: 3 ok, flaky twice, bad once, stubborn twice (then moved)
            assertThat(count(registry, "sqs.reliable.messages.received", mainName)).isEqualTo(8);
            assertThat(count(registry, "sqs.reliable.messages.received", retryName)).isEqualTo(1);
            assertThat(count(registry, "sqs.reliable.messages.handled", mainName, "error.kind", "none")).isEqualTo(4);
            assertThat(count(registry, "sqs.reliable.messages.handled", mainName, "error.kind", "transient"))
                    .isEqualTo(3);
            assertThat(count(registry, "sqs.reliable.messages.handled", mainName, "error.kind", "permanent"))
                    .isEqualTo(1);
            assertThat(count(registry, "sqs.reliable.messages.retried", mainName)).isEqualTo(2);
            assertThat(count(registry, "sqs.reliable.messages.moved.to.retry.queue", mainName)).isEqualTo(1);
            assertThat(count(registry, "sqs.reliable.messages.dead.lettered", mainName, "reason", "permanent_failure"))
                    .isEqualTo(1);
            assertThat(registry.get("sqs.reliable.handler.duration").tag("queue", mainName)
                    .tag("outcome", "succeeded").timer().count()).isEqualTo(4);
            assertThat(registry.get("sqs.reliable.handler.duration").tag("queue", mainName)
                    .tag("outcome", "failed").timer().count()).isEqualTo(4);
            assertThat(registry.get("sqs.reliable.handler.duration").tag("queue", retryName)
                    .tag("outcome", "succeeded").timer().count()).isEqualTo(1);
            assertThat(registry.get("sqs.reliable.handler.wait").tag("queue", mainName).timer().count()).isEqualTo(8);
            // nothing went wrong with SQS itself, so those counters were never registered
            assertThat(registry.find("sqs.reliable.polls.failed").counters()).isEmpty();
            assertThat(registry.find("sqs.reliable.leases.lost").counters()).isEmpty();
            assertThat(registry.find("sqs.reliable.deletes.failed").counters()).isEmpty();

            // the consumer's gauges, and the three queues' once sampled after the work settled
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(registry.find("sqs.reliable.queue.visible").gauges()).hasSize(3);
                assertThat(queueGauge(registry, "sqs.reliable.queue.visible", dlq, "dead_letter")).isEqualTo(1);
                assertThat(queueGauge(registry, "sqs.reliable.queue.visible", main, "main")).isZero();
                assertThat(queueGauge(registry, "sqs.reliable.queue.in.flight", main, "main")).isZero();
                assertThat(queueGauge(registry, "sqs.reliable.queue.delayed", retry, "retry")).isZero();
                assertThat(gauge(registry, "sqs.reliable.backlog.per.worker")).isZero();
                assertThat(gauge(registry, "sqs.reliable.queue.oldest.age")).isZero();
            });
            assertThat(gauge(registry, "sqs.reliable.handling")).isZero();
            assertThat(gauge(registry, "sqs.reliable.held.messages")).isZero();
            // held bytes include the room reserved for the receives in flight (long polls), so not zero when idle
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(gauge(registry, "sqs.reliable.held.bytes")).isEqualTo(consumer.heldBytes()));
        }

        assertThat(registry.getMeters()).noneMatch(meter -> meter.getId().getType().name().equals("GAUGE"));
        assertThat(count(registry, "sqs.reliable.messages.received", mainName)).isEqualTo(8);
    }

    @Test
    void aConsumerWithoutTheListenerRegistersNothing() {
        String main = sqs.createQueue();
        sqs.sendMessages(main, 5);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry);
        try (SqsConsumer consumer = SqsConsumer.builder().sqsClient(sqs.client()).queueUrl(main)
                .handler(message -> { }).waitTime(Duration.ofSeconds(1)).queueSampling(Duration.ofSeconds(1))
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 5);
        } finally {
            Metrics.removeRegistry(registry);
        }
        assertThat(registry.getMeters()).isEmpty();
        assertThat(Metrics.globalRegistry.getMeters()).isEmpty();
    }

    private static String name(String queueUrl) {
        return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    private static double count(SimpleMeterRegistry registry, String name, String queue, String... tags) {
        // find, not get: absent counts as zero, so that await() retries
        return registry.find(name).tag("consumer", "orders").tag("queue", queue).tags(tags).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static double gauge(SimpleMeterRegistry registry, String name) {
        return registry.get(name).tag("consumer", "orders").gauge().value();
    }

    private static double queueGauge(SimpleMeterRegistry registry, String name, String queueUrl, String role) {
        return registry.get(name).tag("consumer", "orders").tag("queue", name(queueUrl)).tag("role", role).gauge()
                .value();
    }
}
