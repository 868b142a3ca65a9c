package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.BatchResult;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.IdempotencyKey;
import io.github.sqsreliable.idempotency.InMemoryIdempotencyStore;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.payload.MalformedPayloadException;
import io.github.sqsreliable.payload.Payload;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.sns.SnsNotification;
import io.github.sqsreliable.sns.SubscriptionConfirmationException;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueOptions;
import io.github.sqsreliable.test.SqsTestExtension;
import io.github.sqsreliable.test.TestQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * SNS fan-out through ElasticMQ, with bodies in the exact layout SNS delivers: envelopes unwrapped for every kind of
 * handler, raw bodies passed through, typed values read from the notification's Message, the dead-lettered copy
 * keeping the envelope (so that consuming it again unwraps it again), subscription confirmations dead-lettered with
 * how to confirm, and two SQS copies of one notification handled once with {@link IdempotencyKey#snsMessageId()}.
 */
@Timeout(60)
@ExtendWith(SqsTestExtension.class)
class SnsEnvelopeIT {

    static final String TOPIC = "arn:aws:sns:us-west-2:123456789012:orders";

    record Order(int id) {
    }

    static String envelope(String snsMessageId, String message) {
        return "{\n"
                + "  \"Type\" : \"Notification\",\n"
                + "  \"MessageId\" : \"" + snsMessageId + "\",\n"
                + "  \"TopicArn\" : \"" + TOPIC + "\",\n"
                + "  \"Subject\" : \"order placed\",\n"
                + "  \"Message\" : \"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\n"
                + "  \"Timestamp\" : \"2024-05-01T10:15:30.123Z\",\n"
                + "  \"SignatureVersion\" : \"1\",\n"
                + "  \"Signature\" : \"EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858"
                + "fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=\",\n"
                + "  \"SigningCertURL\" : \"https://sns.us-west-2.amazonaws.com/SimpleNotificationService-"
                + "f3ecfb7224c7233fe7bb5f59f96de52f.pem\",\n"
                + "  \"UnsubscribeURL\" : \"https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
                + TOPIC + ":c7fe3a54-ab0e-4ec2-88e0-db410a0f2bee\",\n"
                + "  \"MessageAttributes\" : {\n"
                + "    \"channel\" : {\"Type\":\"String\",\"Value\":\"web\"},\n"
                + "    \"total\" : {\"Type\":\"Number\",\"Value\":\"12.5\"},\n"
                + "    \"token\" : {\"Type\":\"Binary\",\"Value\":\"AAEC\"},\n"
                + "    \"tags\" : {\"Type\":\"String.Array\",\"Value\":\"[\\\"new\\\",\\\"vip\\\"]\"}\n"
                + "  }\n"
                + "}";
    }

    static final class DeadLetters implements ConsumerListener {
        final List<ConsumerEvent.DeadLettered> events = new CopyOnWriteArrayList<>();

        @Override
        public void onDeadLettered(ConsumerEvent.DeadLettered event) {
            events.add(event);
        }
    }

    private static SqsConsumer.Builder consumer(EmbeddedSqs sqs, String queueUrl, String deadLetterQueueUrl) {
        return SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .shutdownTimeout(Duration.ZERO)
                .snsEnvelopes(true)
                .retry(r -> r.onSameQueue(5, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(deadLetterQueueUrl));
    }

    @Test
    void aPlainHandlerSeesTheNotificationAndARawBodyUnchanged(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue queue) {
        List<SqsMessage> seen = new CopyOnWriteArrayList<>();
        sqs.sendAll(queue.url(), List.of(envelope("sns-1", "hello"), "raw delivery"));

        try (SqsConsumer consumer = consumer(sqs, queue.url(), queue.deadLetterQueueUrl()).handler(seen::add).build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        }

        SqsMessage unwrapped = seen.stream().filter(m -> m.snsNotification().isPresent()).findFirst().orElseThrow();
        assertThat(unwrapped.body()).isEqualTo("hello");
        assertThat(unwrapped.receiveCount()).isEqualTo(1);
        assertThat(unwrapped.messageId()).isNotEqualTo("sns-1");
        SnsNotification notification = unwrapped.snsNotification().orElseThrow();
        assertThat(notification.messageId()).isEqualTo("sns-1");
        assertThat(notification.topicArn()).isEqualTo(TOPIC);
        assertThat(notification.subject()).contains("order placed");
        assertThat(notification.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:15:30.123Z"));
        assertThat(unwrapped.messageAttribute("channel")).contains("web");
        assertThat(unwrapped.messageAttributes().get("total").dataType()).isEqualTo("Number");
        assertThat(unwrapped.messageAttributes().get("token").binaryValue().asByteArray()).containsExactly(0, 1, 2);
        assertThat(unwrapped.messageAttributes().get("tags").stringValue()).isEqualTo("[\"new\",\"vip\"]");
        SqsMessage raw = seen.stream().filter(m -> m.snsNotification().isEmpty()).findFirst().orElseThrow();
        assertThat(raw.body()).isEqualTo("raw delivery");
    }

    @Test
    void aTypedHandlerReadsTheNotificationsMessageAndTheDeadLetteredCopyKeepsTheEnvelope(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue queue) {
        List<Order> orders = new CopyOnWriteArrayList<>();
        DeadLetters deadLetters = new DeadLetters();
        String good = envelope("sns-1", "{\"id\":1}");
        String unreadable = envelope("sns-2", "{\"id\":\"SECRET\"}");
        sqs.sendAll(queue.url(), List.of(good, unreadable));

        try (SqsConsumer consumer = consumer(sqs, queue.url(), queue.deadLetterQueueUrl())
                .handler(Order.class, (order, message) -> orders.add(order))
                .listener(deadLetters)
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> orders.size() == 1 && deadLetters.events.size() == 1);
        }

        assertThat(orders).containsExactly(new Order(1));
        List<Message> dead = sqs.readAll(queue.deadLetterQueueUrl());
        assertThat(dead).extracting(Message::body).containsExactly(unreadable);
        FailureRecord record = FailureRecord.of(dead.get(0).messageAttributes()).orElseThrow();
        assertThat(record.errorClass()).isEqualTo(MalformedPayloadException.class.getName());
        assertThat(record.errorMessage()).contains("at id").doesNotContain("SECRET");

        // Consuming the dead-lettered copy (as a redrive does) unwraps the envelope again.
        List<SqsMessage> again = new CopyOnWriteArrayList<>();
        try (SqsConsumer redriven = SqsConsumer.builder().sqsClient(sqs.client())
                .queueUrl(queue.deadLetterQueueUrl()).shutdownTimeout(Duration.ZERO).snsEnvelopes(true)
                .handler(again::add).build()) {
            redriven.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> again.size() == 1);
        }
        assertThat(again.get(0).body()).isEqualTo("{\"id\":\"SECRET\"}");
        assertThat(again.get(0).snsNotification().orElseThrow().messageId()).isEqualTo("sns-2");
        assertThat(FailureRecord.of(again.get(0))).isPresent();
    }

    @Test
    void batchHandlersPlainAndTypedSeeUnwrappedMessages(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue plainQueue,
            @QueueOptions(deadLetterQueue = true) TestQueue typedQueue) {
        List<String> bodies = new CopyOnWriteArrayList<>();
        List<Payload<Order>> payloads = new CopyOnWriteArrayList<>();
        sqs.sendAll(plainQueue.url(), List.of(envelope("sns-1", "one"), envelope("sns-2", "two")));
        sqs.sendAll(typedQueue.url(), List.of(envelope("sns-3", "{\"id\":3}"), envelope("sns-4", "{\"id\":4}")));

        try (SqsConsumer plain = consumer(sqs, plainQueue.url(), plainQueue.deadLetterQueueUrl())
                .batchHandler(messages -> {
                    messages.forEach(m -> bodies.add(m.body()));
                    return BatchResult.success();
                }).build();
             SqsConsumer typed = consumer(sqs, typedQueue.url(), typedQueue.deadLetterQueueUrl())
                .batchHandler(Order.class, batch -> {
                    payloads.addAll(batch);
                    return BatchResult.success();
                }).build()) {
            plain.start();
            typed.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> bodies.size() == 2 && payloads.size() == 2);
        }

        assertThat(bodies).containsExactlyInAnyOrder("one", "two");
        assertThat(payloads).extracting(Payload::value).containsExactlyInAnyOrder(new Order(3), new Order(4));
        assertThat(payloads).extracting(p -> p.message().snsNotification().orElseThrow().messageId())
                .containsExactlyInAnyOrder("sns-3", "sns-4");
    }

    @Test
    void aSubscriptionConfirmationIsDeadLetteredWithHowToConfirmIt(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue queue) {
        String confirmation = "{\n"
                + "  \"Type\" : \"SubscriptionConfirmation\",\n"
                + "  \"MessageId\" : \"165545c9-2a5c-472c-8df2-7ff2be2b3b1b\",\n"
                + "  \"Token\" : \"2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb\",\n"
                + "  \"TopicArn\" : \"" + TOPIC + "\",\n"
                + "  \"Message\" : \"You have chosen to subscribe to the topic " + TOPIC + ".\\nTo confirm the "
                + "subscription, visit the SubscribeURL included in this message.\",\n"
                + "  \"SubscribeURL\" : \"https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn="
                + TOPIC + "&Token=2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb\",\n"
                + "  \"Timestamp\" : \"2012-04-26T20:45:04.751Z\",\n"
                + "  \"SignatureVersion\" : \"1\",\n"
                + "  \"Signature\" : \"EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858\",\n"
                + "  \"SigningCertURL\" : \"https://sns.us-west-2.amazonaws.com/SimpleNotificationService-"
                + "f3ecfb7224c7233fe7bb5f59f96de52f.pem\"\n"
                + "}";
        List<SqsMessage> handled = new CopyOnWriteArrayList<>();
        DeadLetters deadLetters = new DeadLetters();
        sqs.sendAll(queue.url(), List.of(confirmation));

        try (SqsConsumer consumer = consumer(sqs, queue.url(), queue.deadLetterQueueUrl()).handler(handled::add)
                .listener(deadLetters).build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.events.size() == 1);
        }

        assertThat(handled).isEmpty();
        assertThat(deadLetters.events.get(0).error()).isInstanceOf(SubscriptionConfirmationException.class);
        List<Message> dead = sqs.readAll(queue.deadLetterQueueUrl());
        assertThat(dead).extracting(Message::body).containsExactly(confirmation);
        assertThat(FailureRecord.of(dead.get(0).messageAttributes()).orElseThrow().errorMessage())
                .startsWith("an SNS SubscriptionConfirmation, not a notification: to confirm the subscription, use "
                        + "the SubscribeURL or the Token (sns:ConfirmSubscription)")
                .doesNotContain("2336412f37");
    }

    @Test
    void twoSqsCopiesOfOneNotificationAreHandledOnceBySnsMessageId(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue queue) {
        List<SqsMessage> handled = new CopyOnWriteArrayList<>();
        List<ConsumerEvent.DuplicateSkipped> skipped = new CopyOnWriteArrayList<>();
        // SNS delivering one publish twice: two SQS messages, two SQS ids, one SNS id. The second comes after the
        // first was handled, so that it meets a completed key, not one still held.
        sqs.sendAll(queue.url(), List.of(envelope("sns-dup", "{\"id\":9}")));

        try (SqsConsumer consumer = consumer(sqs, queue.url(), queue.deadLetterQueueUrl())
                .handler(handled::add)
                .idempotency(Idempotency.builder().store(InMemoryIdempotencyStore.create())
                        .key(IdempotencyKey.snsMessageId()).build())
                .listener(new ConsumerListener() {
                    @Override
                    public void onDuplicateSkipped(ConsumerEvent.DuplicateSkipped event) {
                        skipped.add(event);
                    }
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
            sqs.sendAll(queue.url(), List.of(envelope("sns-dup", "{\"id\":9}"), envelope("sns-other", "{\"id\":10}")));
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 2 && skipped.size() == 1);
            sqs.awaitDrained(queue.url(), Duration.ofSeconds(10));
        }

        assertThat(handled).extracting(SqsMessage::body).containsExactlyInAnyOrder("{\"id\":9}", "{\"id\":10}");
        assertThat(skipped.get(0).inProgress()).isFalse();
        assertThat(skipped.get(0).message().messageId()).isNotEqualTo(handled.get(0).messageId());
        assertThat(sqs.readAll(queue.deadLetterQueueUrl())).isEmpty();
    }
}
