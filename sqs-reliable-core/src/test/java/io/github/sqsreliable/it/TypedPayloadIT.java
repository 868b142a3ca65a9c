package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.BatchResult;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.payload.MalformedPayloadException;
import io.github.sqsreliable.payload.Payload;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueOptions;
import io.github.sqsreliable.test.SqsTestExtension;
import io.github.sqsreliable.test.TestQueue;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Typed handlers against ElasticMQ: bodies arrive as typed values, and a body that cannot be read is dead-lettered
 * after its one receive, without running the handler and without a retry, with a reason that names the place and not
 * the content; in a batch it fails alone.
 */
@Timeout(60)
@ExtendWith(SqsTestExtension.class)
class TypedPayloadIT {

    record Item(String sku, BigDecimal price) {
    }

    record Order(String id, List<Item> items) {
    }

    /** Counts receives and failures, to show a malformed body is received once and failed once. */
    static final class Counting implements ConsumerListener {
        final List<ConsumerEvent.MessageReceived> received = new CopyOnWriteArrayList<>();
        final List<ConsumerEvent.MessageFailed> failed = new CopyOnWriteArrayList<>();
        final List<ConsumerEvent.DeadLettered> deadLettered = new CopyOnWriteArrayList<>();

        @Override
        public void onReceived(ConsumerEvent.MessageReceived event) {
            received.add(event);
        }

        @Override
        public void onFailed(ConsumerEvent.MessageFailed event) {
            failed.add(event);
        }

        @Override
        public void onDeadLettered(ConsumerEvent.DeadLettered event) {
            deadLettered.add(event);
        }
    }

    private static String order(int n) {
        return "{\"id\":\"o-" + n + "\",\"items\":[{\"sku\":\"s-" + n + "\",\"price\":" + n + ".50}],\"later\":true}";
    }

    private static SqsConsumer.Builder consumer(EmbeddedSqs sqs, TestQueue queue) {
        return SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queue.url())
                .shutdownTimeout(Duration.ZERO)
                .retry(r -> r.onSameQueue(5, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(
                        queue.deadLetterQueueUrl()));
    }

    @Test
    void aTypedHandlerGetsTypedValues(EmbeddedSqs sqs, @QueueOptions(deadLetterQueue = true) TestQueue queue) {
        List<Order> handled = new CopyOnWriteArrayList<>();
        sqs.sendAll(queue.url(), List.of(order(1), order(2), order(3)));

        try (SqsConsumer consumer = consumer(sqs, queue)
                .handler(Order.class, (order, message) -> handled.add(order))
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 3);
            sqs.awaitDrained(queue.url(), Duration.ofSeconds(10));
        }

        assertThat(handled).containsExactlyInAnyOrder(
                new Order("o-1", List.of(new Item("s-1", new BigDecimal("1.50")))),
                new Order("o-2", List.of(new Item("s-2", new BigDecimal("2.50")))),
                new Order("o-3", List.of(new Item("s-3", new BigDecimal("3.50")))));
        assertThat(sqs.readAll(queue.deadLetterQueueUrl())).isEmpty();
    }

    @Test
    void aMalformedPayloadIsDeadLetteredAtOnceWithItsReason(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue queue) {
        List<Order> handled = new CopyOnWriteArrayList<>();
        Counting events = new Counting();
        String malformed = "{\"id\":\"o-9\",\"items\":[{\"sku\":\"a\",\"price\":1},{\"sku\":\"b\",\"price\":\"SECRET\"}]}";
        sqs.sendAll(queue.url(), List.of(malformed));

        try (SqsConsumer consumer = consumer(sqs, queue)
                .handler(Order.class, (order, message) -> handled.add(order))
                .listener(events)
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> events.deadLettered.size() == 1);
            sqs.awaitDrained(queue.url(), Duration.ofSeconds(10));
        }

        assertThat(handled).isEmpty();
        assertThat(events.received).hasSize(1);
        assertThat(events.failed).singleElement().satisfies(failed -> {
            assertThat(failed.kind()).isEqualTo(FailureKind.PERMANENT);
            assertThat(failed.error()).isInstanceOf(MalformedPayloadException.class);
        });
        List<Message> dead = sqs.readAll(queue.deadLetterQueueUrl());
        assertThat(dead).extracting(Message::body).containsExactly(malformed);
        FailureRecord record = FailureRecord.of(dead.get(0).messageAttributes()).orElseThrow();
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(record.deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
        assertThat(record.errorClass()).isEqualTo(MalformedPayloadException.class.getName());
        assertThat(record.errorMessage()).isEqualTo("malformed payload for " + Order.class.getName()
                + ": a value that cannot be converted to java.math.BigDecimal at items[1].price (line 1, column 63)");
    }

    @Test
    void inABatchTheUnreadableMessageFailsAloneAndTheRestAreHandled(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue queue) {
        List<Payload<Order>> handled = new CopyOnWriteArrayList<>();
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        sqs.sendAll(queue.url(), List.of(order(1), order(2), "not json SECRET", order(4), order(5)));

        try (SqsConsumer consumer = consumer(sqs, queue)
                .batchHandler(Order.class, payloads -> {
                    batchSizes.add(payloads.size());
                    handled.addAll(payloads);
                    return BatchResult.success();
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 4
                    && sqs.readAll(queue.deadLetterQueueUrl()).size() == 1);
            sqs.awaitDrained(queue.url(), Duration.ofSeconds(10));
        }

        assertThat(handled).extracting(payload -> payload.value().id())
                .containsExactlyInAnyOrder("o-1", "o-2", "o-4", "o-5");
        assertThat(handled).allSatisfy(payload -> assertThat(payload.message().body()).isEqualTo(
                order(Integer.parseInt(payload.value().id().substring(2)))));
        List<Message> dead = sqs.readAll(queue.deadLetterQueueUrl());
        assertThat(dead).extracting(Message::body).containsExactly("not json SECRET");
        FailureRecord record = FailureRecord.of(dead.get(0).messageAttributes()).orElseThrow();
        assertThat(record.errorMessage()).isEqualTo("malformed payload for " + Order.class.getName()
                + ": not valid JSON (line 1, column 1)");
        assertThat(record.attempts()).isEqualTo(1);
    }

    @Test
    void onAFifoQueueTheGroupGoesOnInOrderWithoutTheUnreadableMessage(EmbeddedSqs sqs,
            @QueueOptions(fifo = true, deadLetterQueue = true, visibilityTimeout = "PT5S") TestQueue queue) {
        List<String> handled = new CopyOnWriteArrayList<>();
        sqs.sendGroupInOrder(queue.url(), "g", List.of(order(1), "SECRET", order(3), order(4)));

        try (SqsConsumer consumer = consumer(sqs, queue)
                .batchHandler(Order.class, payloads -> {
                    payloads.forEach(payload -> handled.add(payload.value().id()));
                    return BatchResult.success();
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() >= 3);
            sqs.awaitDrained(queue.url(), Duration.ofSeconds(10));
        }

        assertThat(handled).containsExactly("o-1", "o-3", "o-4");
        assertThat(sqs.readAll(queue.deadLetterQueueUrl())).extracting(Message::body).containsExactly("SECRET");
    }
}
