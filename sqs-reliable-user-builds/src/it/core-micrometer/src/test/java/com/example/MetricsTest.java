package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.micrometer.SqsReliableMeters;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Core with sqs-reliable-micrometer: the one line binds the consumer to a registry. */
class MetricsTest {

    private static final int MESSAGES = 10;

    @Test
    void theOneLineCountsWhatTheConsumerDid() throws Exception {
        EmbeddedSqs sqs = EmbeddedSqs.shared();
        String queueUrl = sqs.createQueue();
        sqs.sendMessages(queueUrl, MESSAGES);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .handler(message -> { })
                .waitTime(Duration.ofSeconds(1))
                .listener(SqsReliableMeters.bindTo(registry))
                .build()) {
            consumer.start();
            sqs.awaitDrained(queueUrl, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (consumer.metrics().deleted() < MESSAGES && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        assertEquals(MESSAGES, registry.get("sqs.reliable.messages.received").counter().count());
        assertEquals(MESSAGES, registry.get("sqs.reliable.messages.handled").tag("outcome", "succeeded").counter()
                .count());
    }
}
