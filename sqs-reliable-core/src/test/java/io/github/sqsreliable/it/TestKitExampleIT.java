package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueOptions;
import io.github.sqsreliable.test.SqsTestExtension;
import io.github.sqsreliable.test.TestQueue;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;

/** The example of docs/testing.md, word for word: keep the two in step. */
@Timeout(30)
@ExtendWith(SqsTestExtension.class)
class TestKitExampleIT {

    @Test
    void handlesTenOrdersAndDeadLettersThePoisonMessage(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue queue) {
        Set<String> handled = ConcurrentHashMap.newKeySet();
        sqs.sendMessages(queue.url(), 10);
        sqs.sendAll(queue.url(), List.of("poison"));

        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queue.url())
                .shutdownTimeout(Duration.ZERO)           // close() in milliseconds (docs/testing.md)
                .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1)))
                        .thenDeadLetter(queue.deadLetterQueueUrl()))
                .handler(message -> {
                    if (message.body().equals("poison")) {
                        throw new PermanentFailureException("not an order");
                    }
                    handled.add(message.body());
                })
                .build()) {
            consumer.start();
            sqs.awaitDrained(queue.url(), Duration.ofSeconds(10));
        }

        assertThat(handled).hasSize(10);
        List<Message> dead = sqs.readAll(queue.deadLetterQueueUrl());
        assertThat(dead).extracting(Message::body).containsExactly("poison");
        FailureRecord failure = FailureRecord.of(dead.get(0).messageAttributes()).orElseThrow();
        assertThat(failure.deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
        assertThat(failure.errorMessage()).isEqualTo("not an order");
    }
}
