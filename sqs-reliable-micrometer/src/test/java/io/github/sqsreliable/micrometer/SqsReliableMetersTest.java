package io.github.sqsreliable.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.QueueDepth;
import io.github.sqsreliable.observe.QueueDepth.QueueRole;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SqsReliableMetersTest {

    private static final String BASE = "http://127.0.0.1:9324/000000000000/";
    private static final String ORDERS = BASE + "orders";
    private static final String RETRY = BASE + "orders-retry";
    private static final String DLQ = BASE + "orders-dlq";
    private static final RuntimeException BOOM = new IllegalStateException("boom");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeConsumer consumer = new FakeConsumer("billing");

    private static SqsMessage message(String queueUrl) {
        return SqsMessage.builder().queueUrl(queueUrl).messageId("m-1").body("{}").build();
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void countsEveryEventUnderItsNameWithConsumerAndQueueTags() {
        ConsumerListener meters = SqsReliableMeters.bindTo(registry);
        meters.onConsumerStarted(consumer);
        SqsMessage m = message(ORDERS);

        meters.onReceived(new ConsumerEvent.MessageReceived(m));
        meters.onReceived(new ConsumerEvent.MessageReceived(m));
        meters.onSucceeded(new ConsumerEvent.MessageSucceeded(m, Duration.ofMillis(30)));
        meters.onFailed(new ConsumerEvent.MessageFailed(m, BOOM, Duration.ofMillis(10), FailureKind.TRANSIENT));
        meters.onFailed(new ConsumerEvent.MessageFailed(m, BOOM, Duration.ofMillis(10), FailureKind.PERMANENT));
        meters.onRetryScheduled(new ConsumerEvent.RetryScheduled(m, 1, Duration.ofSeconds(1), BOOM));
        meters.onMovedToRetryQueue(new ConsumerEvent.MovedToRetryQueue(m, RETRY, Duration.ofSeconds(1), 2, BOOM));
        meters.onDeadLettered(new ConsumerEvent.DeadLettered(m, DLQ, DeadLetterReason.PERMANENT_FAILURE, BOOM));
        meters.onDeadLettered(new ConsumerEvent.DeadLettered(m, DLQ, DeadLetterReason.ATTEMPTS_EXHAUSTED, BOOM));
        meters.onReleased(new ConsumerEvent.MessageReleased(m, ConsumerEvent.ReleaseReason.SHUTDOWN));
        meters.onDeleted(new ConsumerEvent.MessageDeleted(m));
        meters.onDuplicateSkipped(new ConsumerEvent.DuplicateSkipped(m, false));
        meters.onDuplicateSkipped(new ConsumerEvent.DuplicateSkipped(m, true));
        meters.onLeaseLost(new ConsumerEvent.LeaseLost(m, ConsumerEvent.LeaseLostReason.RECEIPT_HANDLE_INVALID, BOOM));
        meters.onDeleteFailed(new ConsumerEvent.DeleteFailed(m, BOOM));
        meters.onMoveFailed(new ConsumerEvent.MoveFailed(m, RETRY, BOOM, Duration.ofSeconds(1)));
        meters.onPollFailed(new ConsumerEvent.PollFailed(ORDERS, BOOM, 1, Duration.ofSeconds(1)));
        meters.onVisibilityExtensionRefused(new ConsumerEvent.VisibilityExtensionRefused(ORDERS, "InvalidParameterValue",
                "too long", BOOM));
        meters.onRedeliveredWhileHeld(new ConsumerEvent.RedeliveredWhileHeld(m));
        meters.onHandlerStarted(new ConsumerEvent.HandlerStarted(m, Duration.ofMillis(5)));

        String[] q = {"consumer", "billing", "queue", "orders"};
        assertThat(count("sqs.reliable.messages.received", q)).isEqualTo(2);
        assertThat(count("sqs.reliable.messages.handled", "consumer", "billing", "queue", "orders",
                "outcome", "succeeded", "error.kind", "none")).isEqualTo(1);
        assertThat(count("sqs.reliable.messages.handled", "consumer", "billing", "queue", "orders",
                "outcome", "failed", "error.kind", "transient")).isEqualTo(1);
        assertThat(count("sqs.reliable.messages.handled", "consumer", "billing", "queue", "orders",
                "outcome", "failed", "error.kind", "permanent")).isEqualTo(1);
        assertThat(count("sqs.reliable.messages.retried", q)).isEqualTo(1);
        assertThat(count("sqs.reliable.messages.moved.to.retry.queue", q)).isEqualTo(1);
        assertThat(count("sqs.reliable.messages.dead.lettered", "queue", "orders", "reason", "permanent_failure"))
                .isEqualTo(1);
        assertThat(count("sqs.reliable.messages.dead.lettered", "queue", "orders", "reason", "attempts_exhausted"))
                .isEqualTo(1);
        assertThat(count("sqs.reliable.messages.released", "queue", "orders", "reason", "shutdown")).isEqualTo(1);
        assertThat(count("sqs.reliable.messages.deleted", q)).isEqualTo(1);
        assertThat(count("sqs.reliable.messages.duplicates", "queue", "orders", "in.progress", "false")).isEqualTo(1);
        assertThat(count("sqs.reliable.messages.duplicates", "queue", "orders", "in.progress", "true")).isEqualTo(1);
        assertThat(count("sqs.reliable.leases.lost", q)).isEqualTo(1);
        assertThat(count("sqs.reliable.deletes.failed", q)).isEqualTo(1);
        assertThat(count("sqs.reliable.moves.failed", q)).isEqualTo(1);
        assertThat(count("sqs.reliable.polls.failed", q)).isEqualTo(1);
        assertThat(count("sqs.reliable.visibility.extensions.refused", q)).isEqualTo(1);
        assertThat(count("sqs.reliable.messages.redelivered.while.held", q)).isEqualTo(1);
        Timer succeeded = registry.get("sqs.reliable.handler.duration").tags(q).tag("outcome", "succeeded").timer();
        assertThat(succeeded.count()).isEqualTo(1);
        assertThat(succeeded.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(30);
        Timer failed = registry.get("sqs.reliable.handler.duration").tags(q).tag("outcome", "failed").timer();
        assertThat(failed.count()).isEqualTo(2);
        assertThat(failed.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(20);
        Timer wait = registry.get("sqs.reliable.handler.wait").tags(q).timer();
        assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5);
        assertThat(wait.getId().getTags()).extracting(Tag::getKey).containsExactlyInAnyOrder("consumer", "queue");
    }

    @Test
    void tagsEachEventWithTheQueueItCameFrom() {
        ConsumerListener meters = SqsReliableMeters.bindTo(registry);
        meters.onConsumerStarted(consumer);

        meters.onReceived(new ConsumerEvent.MessageReceived(message(ORDERS)));
        meters.onReceived(new ConsumerEvent.MessageReceived(message(RETRY)));
        meters.onReceived(new ConsumerEvent.MessageReceived(message(RETRY)));

        assertThat(count("sqs.reliable.messages.received", "queue", "orders")).isEqualTo(1);
        assertThat(count("sqs.reliable.messages.received", "queue", "orders-retry")).isEqualTo(2);
    }

    @Test
    void countsEventsThatArriveBeforeTheConsumerReportsItselfStartedUnderItsName() {
        ConsumerListener meters = SqsReliableMeters.bindTo(registry);

        meters.onReceived(new ConsumerEvent.MessageReceived(message(ORDERS)));
        meters.onHandlerStarted(new ConsumerEvent.HandlerStarted(message(ORDERS), Duration.ofMillis(3)));
        assertThat(registry.getMeters()).isEmpty();
        meters.onConsumerStarted(consumer);

        assertThat(count("sqs.reliable.messages.received", "consumer", "billing", "queue", "orders")).isEqualTo(1);
        assertThat(registry.get("sqs.reliable.handler.wait").tag("consumer", "billing").timer().count()).isEqualTo(1);
    }

    @Test
    void registersEachMeterOnceAndLooksItUpAfterwards() {
        AtomicInteger registrations = new AtomicInteger();
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getName().startsWith("sqs.reliable.messages.received")) {
                    registrations.incrementAndGet();
                }
                return id;
            }
        });
        ConsumerListener meters = SqsReliableMeters.bindTo(registry);
        meters.onConsumerStarted(consumer);
        ConsumerEvent.MessageReceived received = new ConsumerEvent.MessageReceived(message(ORDERS));

        for (int i = 0; i < 1_000; i++) {
            meters.onReceived(received);
        }

        assertThat(count("sqs.reliable.messages.received", "queue", "orders")).isEqualTo(1_000);
        assertThat(registrations).hasValue(1);
    }

    @Test
    void registersConsumerGaugesAtStartAndRemovesEveryGaugeAtClose() {
        ConsumerListener meters = SqsReliableMeters.bindTo(registry);
        consumer.handling = 2;
        consumer.heldBytes = 2048;

        meters.onConsumerStarted(consumer);

        assertThat(gauge("sqs.reliable.handling")).isEqualTo(2);
        assertThat(gauge("sqs.reliable.held.messages")).isEqualTo(3);
        assertThat(gauge("sqs.reliable.held.bytes")).isEqualTo(2048);
        assertThat(registry.get("sqs.reliable.held.bytes").gauge().getId().getBaseUnit()).isEqualTo("bytes");
        assertThat(gauge("sqs.reliable.queue.oldest.age")).isNaN();
        assertThat(registry.get("sqs.reliable.queue.oldest.age").gauge().getId().getBaseUnit()).isEqualTo("seconds");
        assertThat(gauge("sqs.reliable.backlog.per.worker")).isNaN();
        consumer.oldest = Optional.of(Duration.ofMillis(2500));
        consumer.backlog = OptionalDouble.of(1.5);
        assertThat(gauge("sqs.reliable.queue.oldest.age")).isEqualTo(2.5);
        assertThat(gauge("sqs.reliable.backlog.per.worker")).isEqualTo(1.5);
        assertThat(registry.get("sqs.reliable.handling").gauge().getId().getTags())
                .containsExactly(Tag.of("consumer", "billing"));
        assertThat(registry.find("sqs.reliable.queue.visible").gauges()).isEmpty();

        consumer.depths = List.of(depth(ORDERS, QueueRole.MAIN, 10, 2, 1), depth(DLQ, QueueRole.DEAD_LETTER, 3, 0, 0));
        meters.onQueuesSampled(consumer);
        consumer.depths = List.of(depth(ORDERS, QueueRole.MAIN, 8, 4, 0), depth(RETRY, QueueRole.RETRY, 5, 0, 5),
                depth(DLQ, QueueRole.DEAD_LETTER, 3, 0, 0));
        meters.onQueuesSampled(consumer);

        assertThat(queueGauge("sqs.reliable.queue.visible", "orders", "main")).isEqualTo(8);
        assertThat(queueGauge("sqs.reliable.queue.in.flight", "orders", "main")).isEqualTo(4);
        assertThat(queueGauge("sqs.reliable.queue.delayed", "orders", "main")).isEqualTo(0);
        assertThat(queueGauge("sqs.reliable.queue.delayed", "orders-retry", "retry")).isEqualTo(5);
        assertThat(queueGauge("sqs.reliable.queue.visible", "orders-dlq", "dead_letter")).isEqualTo(3);
        assertThat(registry.find("sqs.reliable.queue.visible").gauges()).hasSize(3);

        meters.onReceived(new ConsumerEvent.MessageReceived(message(ORDERS)));
        meters.onConsumerClosed(consumer);

        assertThat(registry.getMeters()).extracting(meter -> meter.getId().getName())
                .containsExactly("sqs.reliable.messages.received");
    }

    @Test
    void registersQueueGaugesAtStartFromASampleTakenBeforeItAndNoneAfterClose() {
        ConsumerListener meters = SqsReliableMeters.bindTo(registry);
        consumer.depths = List.of(depth(ORDERS, QueueRole.MAIN, 4, 0, 0));
        meters.onQueuesSampled(consumer);
        assertThat(registry.getMeters()).isEmpty();

        meters.onConsumerStarted(consumer);
        assertThat(queueGauge("sqs.reliable.queue.visible", "orders", "main")).isEqualTo(4);

        meters.onConsumerClosed(consumer);
        consumer.depths = List.of(depth(DLQ, QueueRole.DEAD_LETTER, 1, 0, 0));
        meters.onQueuesSampled(consumer);
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void aSecondConsumerOfTheSameListenerGetsNoGauges() {
        ConsumerListener meters = SqsReliableMeters.bindTo(registry);
        FakeConsumer second = new FakeConsumer("other");
        meters.onConsumerStarted(consumer);

        meters.onConsumerStarted(second);
        second.depths = List.of(depth(ORDERS, QueueRole.MAIN, 1, 0, 0));
        meters.onQueuesSampled(second);
        meters.onConsumerClosed(second);

        assertThat(registry.find("sqs.reliable.handling").gauges()).hasSize(1);
        assertThat(registry.get("sqs.reliable.handling").gauge().getId().getTag("consumer")).isEqualTo("billing");
        assertThat(registry.find("sqs.reliable.queue.visible").gauges()).isEmpty();
    }

    @Test
    void addsCommonTagsToEveryMeter() {
        ConsumerListener meters = SqsReliableMeters.bindTo(registry, Tags.of("service", "checkout"));
        meters.onConsumerStarted(consumer);
        meters.onReceived(new ConsumerEvent.MessageReceived(message(ORDERS)));

        assertThat(registry.getMeters()).allSatisfy(meter ->
                assertThat(meter.getId().getTag("service")).isEqualTo("checkout"));
    }

    @Test
    void rejectsACommonTagNamedLikeOneOfItsOwn() {
        assertThatThrownBy(() -> SqsReliableMeters.bindTo(registry, Tags.of("queue", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'queue'");
    }

    @Test
    void rejectsAnInvalidEmfNamespace() {
        assertThatThrownBy(() -> SqsReliableMeters.emf(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace");
        assertThatThrownBy(() -> SqsReliableMeters.emf("n".repeat(256)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private double queueGauge(String name, String queue, String role) {
        return registry.get(name).tags("consumer", "billing", "queue", queue, "role", role).gauge().value();
    }

    private static QueueDepth depth(String url, QueueRole role, long visible, long inFlight, long delayed) {
        return new QueueDepth(url, role, visible, inFlight, delayed, Instant.now());
    }

}
