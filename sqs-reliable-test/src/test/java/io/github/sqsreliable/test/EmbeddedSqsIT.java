package io.github.sqsreliable.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

@Timeout(30)
class EmbeddedSqsIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @Test
    void awaitDrainedReturnsOnceEveryMessageIsDeleted() {
        String queueUrl = sqs.createQueue();
        sqs.sendMessages(queueUrl, 5);

        sqs.takeAll(queueUrl);

        assertThat(sqs.awaitDrained(queueUrl, Duration.ofSeconds(2)).total()).isZero();
    }

    @Test
    void awaitDrainedFailsShowingTheCounts() {
        String queueUrl = sqs.createQueue();
        sqs.sendMessages(queueUrl, 3);
        sqs.client().receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(1)).join();

        assertThatThrownBy(() -> sqs.awaitDrained(queueUrl, Duration.ofMillis(100)))
                .isInstanceOf(AssertionError.class)
                .hasMessage("queue " + queueUrl + " not drained within PT0.1S: 2 visible, 1 in flight, 0 delayed");
    }

    @Test
    void readAllReturnsEveryMessageWithItsAttributesAndLeavesThemVisible() {
        String queueUrl = sqs.createQueue();
        sqs.sendMessages(queueUrl, 25);
        sqs.client().sendMessage(r -> r.queueUrl(queueUrl).messageBody("poison").messageAttributes(Map.of(
                "sqsreliable.failure", MessageAttributeValue.builder().dataType("String")
                        .stringValue("attempts=1").build()))).join();

        List<Message> messages = sqs.readAll(queueUrl);

        assertThat(messages).hasSize(26);
        Message poison = messages.stream().filter(m -> m.body().equals("poison")).findFirst().orElseThrow();
        assertThat(poison.messageAttributes().get("sqsreliable.failure").stringValue()).isEqualTo("attempts=1");
        assertThat(poison.attributes()).containsKeys(MessageSystemAttributeName.SENT_TIMESTAMP,
                MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        assertThat(sqs.counts(queueUrl).visible()).isEqualTo(26);
        assertThat(sqs.readAll(queueUrl)).hasSize(26);
    }

    @Test
    void takeAllDeletesWhatItReturns() {
        String queueUrl = sqs.createQueue();
        sqs.sendAll(queueUrl, List.of("a", "b"));

        assertThat(sqs.takeAll(queueUrl)).extracting(Message::body).containsExactlyInAnyOrder("a", "b");
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    @Test
    void anOwnedServerListensOnItsOwnPortUntilClosed() {
        String queueUrl;
        try (EmbeddedSqs owned = EmbeddedSqs.start(0)) {
            assertThat(owned.endpoint()).isNotEqualTo(sqs.endpoint());
            queueUrl = owned.createQueue();
            owned.sendMessages(queueUrl, 1);
            assertThat(owned.counts(queueUrl).visible()).isEqualTo(1);
        }
        assertThat(sqs.counts(sqs.createQueue()).total()).isZero();
    }

    @Test
    void closingTheSharedServerDoesNothing() {
        sqs.close();

        assertThat(sqs.counts(sqs.createQueue()).total()).isZero();
    }
}
