package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What a handler sees of a message's attributes: the system attributes the consumer reads itself, those asked for,
 * and every message attribute.
 */
@Timeout(60)
class ReceivedAttributesIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @Test
    void byDefaultReceivesTheSystemAttributesTheConsumerReadsAndEveryMessageAttribute() {
        SqsMessage seen = consumeOne(SqsConsumer.builder());

        assertThat(seen.receiveCount()).isEqualTo(1);
        assertThat(seen.firstReceiveTimestamp()).isPresent();
        // SentTimestamp too, for the age of the oldest message, while queue sampling is on (the default)
        assertThat(seen.sentTimestamp()).isPresent();
        assertThat(seen.attributes()).doesNotContainKeys("SenderId");
        assertThat(seen.messageAttribute("tenant")).contains("acme");
    }

    @Test
    void withQueueSamplingOffReceivesNoSentTimestamp() {
        SqsMessage seen = consumeOne(SqsConsumer.builder().queueSampling(Duration.ZERO));

        assertThat(seen.attributes()).doesNotContainKeys("SentTimestamp", "SenderId");
        assertThat(seen.sentTimestamp()).isEmpty();
        assertThat(seen.messageAttribute("tenant")).contains("acme");
    }

    @Test
    void receivesTheSystemAttributesAskedFor() {
        SqsMessage seen = consumeOne(SqsConsumer.builder()
                .systemAttributes(MessageSystemAttributeName.SENT_TIMESTAMP));

        assertThat(seen.sentTimestamp()).isPresent();
        assertThat(seen.receiveCount()).isEqualTo(1);
        assertThat(seen.attributes()).doesNotContainKey("SenderId");
    }

    @Test
    void receivesEverySystemAttributeWithAll() {
        SqsMessage seen = consumeOne(SqsConsumer.builder().systemAttributes(MessageSystemAttributeName.ALL));

        assertThat(seen.attributes()).containsKeys("SentTimestamp", "SenderId", "ApproximateReceiveCount");
    }

    private SqsMessage consumeOne(SqsConsumer.Builder builder) {
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        AtomicReference<SqsMessage> seen = new AtomicReference<>();
        try (SqsAsyncClient client = sqs.newClient()) {
            client.sendMessage(r -> r.queueUrl(queueUrl).messageBody("hello").messageAttributes(Map.of("tenant",
                    MessageAttributeValue.builder().dataType("String").stringValue("acme").build()))).join();
            try (SqsConsumer consumer = builder.sqsClient(client).queueUrl(queueUrl).waitTime(Duration.ofSeconds(1))
                    .handler(seen::set).build()) {
                consumer.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 1);
            }
        }
        return seen.get();
    }
}
