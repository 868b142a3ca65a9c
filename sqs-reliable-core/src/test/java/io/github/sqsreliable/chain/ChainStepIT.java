package io.github.sqsreliable.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.ObservedConsumer;
import io.github.sqsreliable.publish.OutgoingMessage;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueOptions;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.test.SqsTestExtension;
import io.github.sqsreliable.test.TestQueue;
import io.github.sqsreliable.testing.HoldSendBatches;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

@Timeout(60)
@ExtendWith(SqsTestExtension.class)
class ChainStepIT {

    @Test
    void sendsOutputsToTwoQueuesAndDeletesTheInputOnlyOnceTheyAreConfirmed(EmbeddedSqs sqs, TestQueue input) {
        String thumbnails = sqs.createQueue();
        String audit = sqs.createQueue();
        HoldSendBatches hold = new HoldSendBatches();
        sqs.sendAll(input.url(), List.of("photo-1"));
        try (SqsAsyncClient client = sqs.newClient(hold);
             SqsConsumer consumer = SqsConsumer.builder()
                     .sqsClient(client)
                     .queueUrl(input.url())
                     .shutdownTimeout(Duration.ofSeconds(5))
                     .chainHandler((message, next) -> {
                         next.send(thumbnails, "thumbnail of " + message.body());
                         next.send(audit, OutgoingMessage.builder().body("resized " + message.body())
                                 .stringAttribute("kind", "audit").build());
                     })
                     .build()) {
            consumer.start();

            // while SQS has not answered for the outputs, the input stays held, not deleted
            await().atMost(Duration.ofSeconds(10)).until(() -> hold.held.get() >= 1);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> sqs.counts(input.url()).notVisible() == 1);
            assertThat(consumer.metrics().succeeded()).isZero();

            hold.release.countDown();
            sqs.awaitDrained(input.url(), Duration.ofSeconds(10));
        } finally {
            hold.release.countDown();
        }

        Message thumbnail = sqs.takeAll(thumbnails).get(0);
        Message record = sqs.takeAll(audit).get(0);
        assertThat(thumbnail.body()).isEqualTo("thumbnail of photo-1");
        assertThat(record.body()).isEqualTo("resized photo-1");
        assertThat(record.messageAttributes().get("kind").stringValue()).isEqualTo("audit");
        String firstId = thumbnail.messageAttributes().get(NextMessages.OUTPUT_ID_ATTRIBUTE).stringValue();
        String secondId = record.messageAttributes().get(NextMessages.OUTPUT_ID_ATTRIBUTE).stringValue();
        assertThat(firstId).hasSize(64).isNotEqualTo(secondId);
    }

    @Test
    void anOutputSQSRefusesLeavesTheInputToBeHandledAgain(EmbeddedSqs sqs, TestQueue input) {
        String next = sqs.createQueue();
        String missing = next + "-missing";
        AtomicInteger calls = new AtomicInteger();
        sqs.sendAll(input.url(), List.of("order-7"));
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(input.url())
                .shutdownTimeout(Duration.ZERO)
                .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))))
                .chainHandler((message, outputs) -> {
                    // the first attempt names a queue that does not exist, the second the right one
                    outputs.send(calls.incrementAndGet() == 1 ? missing : next, "next of " + message.body());
                })
                .build()) {
            consumer.start();
            sqs.awaitDrained(input.url(), Duration.ofSeconds(15));
            assertThat(consumer.metrics().failed()).isEqualTo(1);
        }

        assertThat(calls).hasValue(2);
        assertThat(sqs.takeAll(next)).extracting(Message::body).containsExactly("next of order-7");
    }

    @Test
    void aHandlerThatThrowsSendsNothing(EmbeddedSqs sqs, @QueueOptions(deadLetterQueue = true) TestQueue input) {
        String next = sqs.createQueue();
        sqs.sendAll(input.url(), List.of("not an image"));
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(input.url())
                .shutdownTimeout(Duration.ZERO)
                .retry(r -> r.onSameQueue(1, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(input.deadLetterQueueUrl()))
                .chainHandler((message, outputs) -> {
                    outputs.send(next, "half done");
                    throw new PermanentFailureException("unreadable image");
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> sqs.counts(input.deadLetterQueueUrl()).visible() == 1);
        }

        assertThat(sqs.counts(next).total()).isZero();
        Message dead = sqs.takeAll(input.deadLetterQueueUrl()).get(0);
        assertThat(FailureRecord.of(dead.messageAttributes()).orElseThrow().errorMessage())
                .isEqualTo("unreadable image");
    }

    @Test
    void aFifoOutputTakesTheInputsGroupAndADerivedDeduplicationId(EmbeddedSqs sqs,
            @QueueOptions(fifo = true) TestQueue input) {
        String next = sqs.createQueue(QueueSpec.fifoQueue());
        sqs.sendGroupInOrder(input.url(), "customer-1", List.of("a", "b", "c"));
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(input.url())
                .shutdownTimeout(Duration.ZERO)
                .chainHandler((message, outputs) -> {
                    outputs.send(next, message.body() + "-1");
                    outputs.send(next, message.body() + "-2");
                })
                .build()) {
            consumer.start();
            sqs.awaitDrained(input.url(), Duration.ofSeconds(10));
        }

        List<Message> outputs = sqs.takeAll(next);
        assertThat(outputs).extracting(Message::body).containsExactly("a-1", "a-2", "b-1", "b-2", "c-1", "c-2");
        assertThat(outputs).allSatisfy(output -> {
            assertThat(output.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).isEqualTo("customer-1");
            assertThat(output.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).hasSize(64);
        });
    }

    @Test
    void aFifoOutputWithoutAGroupToInheritIsAPermanentFailure(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue input) {
        String next = sqs.createQueue(QueueSpec.fifoQueue());
        sqs.sendAll(input.url(), List.of("from a standard queue"));
        Map<String, Throwable> failures = new ConcurrentHashMap<>();
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(input.url())
                .shutdownTimeout(Duration.ZERO)
                .retry(r -> r.onSameQueue(1, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(input.deadLetterQueueUrl()))
                .chainHandler((message, outputs) -> {
                    try {
                        outputs.send(next, "no group");
                    } catch (PermanentFailureException e) {
                        failures.put(message.messageId(), e);
                        throw e;
                    }
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> sqs.counts(input.deadLetterQueueUrl()).visible() == 1);
        }

        assertThat(failures.values()).singleElement().satisfies(e -> assertThat(e.getMessage())
                .contains("no message group id").doesNotContain("from a standard queue"));
        assertThat(sqs.counts(next).total()).isZero();
    }

    record Resize(String image, int width) { }

    /** A typed chain handler that also listens: it must hear the consumer's events once each. */
    static final class ResizeStep implements PayloadChainHandler<Resize>, ConsumerListener {
        final String next;
        final AtomicInteger succeededEvents = new AtomicInteger();
        final AtomicInteger closedEvents = new AtomicInteger();

        ResizeStep(String next) {
            this.next = next;
        }

        @Override
        public void handle(Resize request, SqsMessage message, NextMessages outputs) {
            outputs.send(next, request.image() + "@" + request.width());
        }

        @Override
        public void onSucceeded(ConsumerEvent.MessageSucceeded event) {
            succeededEvents.incrementAndGet();
        }

        @Override
        public void onConsumerClosed(ObservedConsumer consumer) {
            closedEvents.incrementAndGet();
        }
    }

    @Test
    void aTypedChainHandlerReadsTheInputAndAnUnreadableOneIsDeadLetteredWithoutOutputs(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue input) {
        String next = sqs.createQueue();
        sqs.sendAll(input.url(), List.of("{\"image\":\"cat.jpg\",\"width\":320}", "{\"image\":\"dog.jpg\",\"width\":\"wide\"}"));
        ResizeStep step = new ResizeStep(next);
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(input.url())
                .shutdownTimeout(Duration.ZERO)
                .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(input.deadLetterQueueUrl()))
                .chainHandler(Resize.class, step)
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> sqs.counts(input.deadLetterQueueUrl()).visible() == 1
                    && consumer.metrics().deleted() == 2);
            assertThat(consumer.metrics().failed()).isEqualTo(1);
        }

        assertThat(sqs.takeAll(next)).extracting(Message::body).containsExactly("cat.jpg@320");
        Message dead = sqs.takeAll(input.deadLetterQueueUrl()).get(0);
        assertThat(FailureRecord.of(dead.messageAttributes()).orElseThrow().errorMessage())
                .startsWith("malformed payload for " + Resize.class.getName())
                .contains("width")
                .doesNotContain("wide");
        assertThat(step.succeededEvents).hasValue(1);
        assertThat(step.closedEvents).hasValue(1);
    }
}
