package io.github.sqsreliable.micrometer.internal;

import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.ObservedConsumer;
import io.github.sqsreliable.observe.QueueDepth;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Micrometer binder: one instance per consumer. Counters and timers are registered on a queue's first event and
 * kept in a per-queue slot array, so an event costs a map lookup by queue URL and an increment. Gauges are registered
 * when the consumer starts and removed when it closes; the per-queue depth gauges on the first sample that reports
 * their queue.
 *
 * <p>Events can arrive before {@code onConsumerStarted} (a consumer's pollers run before it reports itself started),
 * when the consumer's name, a tag of every meter, is not yet known: they are kept and counted at the start.
 */
public class ConsumerMeters implements ConsumerListener {

    private static final Logger log = LoggerFactory.getLogger(ConsumerMeters.class);

    static final String PREFIX = "sqs.reliable.";
    static final Set<String> OWN_TAGS = Set.of("consumer", "queue", "outcome", "error.kind", "reason", "in.progress",
            "role");
    /** Events kept before the start: far more than a start ever lets through, few enough to bound the memory. */
    static final int MAX_PENDING = 10_000;

    private static final DeadLetterReason[] DEAD_LETTER_REASONS = DeadLetterReason.values();
    private static final ConsumerEvent.ReleaseReason[] RELEASE_REASONS = ConsumerEvent.ReleaseReason.values();

    // The slots of a queue's meters.
    private static final int RECEIVED = 0;
    private static final int SUCCEEDED = 1;
    private static final int FAILED_TRANSIENT = 2;
    private static final int FAILED_PERMANENT = 3;
    private static final int RETRIED = 4;
    private static final int MOVED_TO_RETRY_QUEUE = 5;
    private static final int DELETED = 6;
    private static final int DUPLICATE = 7;
    private static final int DUPLICATE_IN_PROGRESS = 8;
    private static final int LEASE_LOST = 9;
    private static final int DELETE_FAILED = 10;
    private static final int MOVE_FAILED = 11;
    private static final int POLL_FAILED = 12;
    private static final int EXTENSION_REFUSED = 13;
    private static final int REDELIVERED_WHILE_HELD = 14;
    private static final int HANDLER_SUCCEEDED = 15;
    private static final int HANDLER_FAILED = 16;
    private static final int HANDLER_WAIT = 17;
    private static final int DEAD_LETTERED = 18;
    private static final int RELEASED = DEAD_LETTERED + DEAD_LETTER_REASONS.length;
    private static final int SLOTS = RELEASED + RELEASE_REASONS.length;

    private final MeterRegistry registry;
    private final Tags commonTags;
    private final Map<String, AtomicReferenceArray<Meter>> queues = new ConcurrentHashMap<>();
    private final Object startLock = new Object();
    private final List<Runnable> pending = new ArrayList<>();
    private final AtomicBoolean pendingOverflowLogged = new AtomicBoolean();
    private final AtomicBoolean secondConsumerLogged = new AtomicBoolean();
    private final List<Meter> gauges = new CopyOnWriteArrayList<>();
    private final Map<String, QueueDepth> depths = new ConcurrentHashMap<>();
    private volatile ObservedConsumer owner;
    private volatile boolean closed;
    private volatile Tags consumerTags;

    /**
     * @param registry where the meters go
     * @param commonTags added to every meter
     * @throws IllegalArgumentException if a common tag uses one of the library's tag names
     */
    public ConsumerMeters(MeterRegistry registry, Tags commonTags) {
        for (Tag tag : commonTags) {
            if (OWN_TAGS.contains(tag.getKey())) {
                throw new IllegalArgumentException("tag '" + tag.getKey() + "' is one of the library's own tags "
                        + OWN_TAGS + "; give it another name");
            }
        }
        this.registry = registry;
        this.commonTags = commonTags;
    }

    /** @return the registry the meters go to */
    protected final MeterRegistry registry() {
        return registry;
    }

    @Override
    public void onConsumerStarted(ObservedConsumer consumer) {
        List<Runnable> kept;
        synchronized (startLock) {
            if (owner != null) {
                if (owner != consumer && secondConsumerLogged.compareAndSet(false, true)) {
                    log.warn("the metrics listener of consumer '{}' was also given to consumer '{}': give each "
                            + "consumer its own (SqsReliableMeters.bindTo); the gauges of '{}' are not registered",
                            owner.name(), consumer.name(), consumer.name());
                }
                return;
            }
            owner = consumer;
            consumerTags = commonTags.and("consumer", consumer.name());
            kept = List.copyOf(pending);
            pending.clear();
        }
        kept.forEach(Runnable::run);
        gauge("handling", null, "Handler calls running", consumer, c -> c.handling());
        gauge("held.messages", null, "Messages the consumer holds", consumer, c -> c.metrics().inFlight());
        gauge("held.bytes", "bytes", "Bytes of the messages the consumer holds", consumer, c -> c.heldBytes());
        gauge("queue.oldest.age", "seconds", "Longest a message received in the last sampling interval had waited",
                consumer, c -> c.oldestMessageAge().map(age -> age.toNanos() / 1e9).orElse(Double.NaN));
        gauge("backlog.per.worker", null, "Visible messages of the main and retry queues per worker", consumer,
                c -> c.backlogPerWorker().orElse(Double.NaN));
        // A sample taken before the start (the sampler starts with the first queue) is not lost for an interval.
        onQueuesSampled(consumer);
    }

    @Override
    public synchronized void onQueuesSampled(ObservedConsumer consumer) {
        if (consumer != owner || closed) {
            return;
        }
        for (QueueDepth depth : consumer.queueDepths()) {
            String url = depth.queueUrl();
            if (depths.put(url, depth) == null) {
                Tags tags = consumerTags.and("queue", queueName(url))
                        .and("role", depth.role().name().toLowerCase(Locale.ROOT));
                gauges.add(Gauge.builder(PREFIX + "queue.visible", depths, d -> d.get(url).visible()).tags(tags)
                        .description("Messages visible in the queue, as last sampled (approximate)")
                        .register(registry));
                gauges.add(Gauge.builder(PREFIX + "queue.in.flight", depths, d -> d.get(url).inFlight()).tags(tags)
                        .description("Messages in flight in the queue, as last sampled (approximate)")
                        .register(registry));
                gauges.add(Gauge.builder(PREFIX + "queue.delayed", depths, d -> d.get(url).delayed()).tags(tags)
                        .description("Messages delayed in the queue, as last sampled (approximate)")
                        .register(registry));
            }
        }
    }

    @Override
    public synchronized void onConsumerClosed(ObservedConsumer consumer) {
        if (consumer != owner) {
            return;
        }
        closed = true;
        for (Meter gauge : gauges) {
            registry.remove(gauge);
        }
        gauges.clear();
        depths.clear();
    }

    @Override
    public void onReceived(ConsumerEvent.MessageReceived event) {
        count(event.message().queueUrl(), RECEIVED);
    }

    @Override
    public void onHandlerStarted(ConsumerEvent.HandlerStarted event) {
        time(event.message().queueUrl(), HANDLER_WAIT, event.waited());
    }

    @Override
    public void onSucceeded(ConsumerEvent.MessageSucceeded event) {
        String queueUrl = event.message().queueUrl();
        count(queueUrl, SUCCEEDED);
        time(queueUrl, HANDLER_SUCCEEDED, event.handlerDuration());
    }

    @Override
    public void onFailed(ConsumerEvent.MessageFailed event) {
        String queueUrl = event.message().queueUrl();
        count(queueUrl, event.kind() == FailureKind.PERMANENT ? FAILED_PERMANENT : FAILED_TRANSIENT);
        time(queueUrl, HANDLER_FAILED, event.handlerDuration());
    }

    @Override
    public void onLeaseLost(ConsumerEvent.LeaseLost event) {
        count(event.message().queueUrl(), LEASE_LOST);
    }

    @Override
    public void onVisibilityExtensionRefused(ConsumerEvent.VisibilityExtensionRefused event) {
        count(event.queueUrl(), EXTENSION_REFUSED);
    }

    @Override
    public void onRedeliveredWhileHeld(ConsumerEvent.RedeliveredWhileHeld event) {
        count(event.message().queueUrl(), REDELIVERED_WHILE_HELD);
    }

    @Override
    public void onDeleted(ConsumerEvent.MessageDeleted event) {
        count(event.message().queueUrl(), DELETED);
    }

    @Override
    public void onDeleteFailed(ConsumerEvent.DeleteFailed event) {
        count(event.message().queueUrl(), DELETE_FAILED);
    }

    @Override
    public void onReleased(ConsumerEvent.MessageReleased event) {
        count(event.message().queueUrl(), RELEASED + event.reason().ordinal());
    }

    @Override
    public void onRetryScheduled(ConsumerEvent.RetryScheduled event) {
        count(event.message().queueUrl(), RETRIED);
    }

    @Override
    public void onMovedToRetryQueue(ConsumerEvent.MovedToRetryQueue event) {
        count(event.message().queueUrl(), MOVED_TO_RETRY_QUEUE);
    }

    @Override
    public void onDeadLettered(ConsumerEvent.DeadLettered event) {
        count(event.message().queueUrl(), DEAD_LETTERED + event.reason().ordinal());
    }

    @Override
    public void onMoveFailed(ConsumerEvent.MoveFailed event) {
        count(event.message().queueUrl(), MOVE_FAILED);
    }

    @Override
    public void onDuplicateSkipped(ConsumerEvent.DuplicateSkipped event) {
        count(event.message().queueUrl(), event.inProgress() ? DUPLICATE_IN_PROGRESS : DUPLICATE);
    }

    @Override
    public void onPollFailed(ConsumerEvent.PollFailed event) {
        count(event.queueUrl(), POLL_FAILED);
    }

    private void count(String queueUrl, int slot) {
        if (consumerTags == null && keep(() -> count(queueUrl, slot))) {
            return;
        }
        ((Counter) meter(queueUrl, slot)).increment();
    }

    private void time(String queueUrl, int slot, Duration duration) {
        if (consumerTags == null && keep(() -> time(queueUrl, slot, duration))) {
            return;
        }
        ((Timer) meter(queueUrl, slot)).record(duration.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** @return true if the event was kept for the start, false if the consumer started meanwhile */
    private boolean keep(Runnable event) {
        synchronized (startLock) {
            if (consumerTags != null) {
                return false;
            }
            if (pending.size() < MAX_PENDING) {
                pending.add(event);
            } else if (pendingOverflowLogged.compareAndSet(false, true)) {
                log.warn("{} events arrived before the consumer reported itself started; later ones are not counted "
                        + "(is this listener registered with a consumer or SqsBatchFunction?)", MAX_PENDING);
            }
            return true;
        }
    }

    private Meter meter(String queueUrl, int slot) {
        AtomicReferenceArray<Meter> meters = queues.get(queueUrl);
        if (meters == null) {
            meters = queues.computeIfAbsent(queueUrl, url -> new AtomicReferenceArray<>(SLOTS));
        }
        Meter meter = meters.get(slot);
        if (meter == null) {
            // The registry answers the same meter for the same name and tags, so a race registers it once.
            meter = register(queueUrl, slot);
            meters.set(slot, meter);
        }
        return meter;
    }

    private Meter register(String queueUrl, int slot) {
        Tags tags = consumerTags.and("queue", queueName(queueUrl));
        return switch (slot) {
            case RECEIVED -> counter("messages.received", tags, "Messages received");
            case SUCCEEDED -> counter("messages.handled", tags.and("outcome", "succeeded").and("error.kind", "none"),
                    "Handler calls by outcome");
            case FAILED_TRANSIENT -> counter("messages.handled",
                    tags.and("outcome", "failed").and("error.kind", "transient"), "Handler calls by outcome");
            case FAILED_PERMANENT -> counter("messages.handled",
                    tags.and("outcome", "failed").and("error.kind", "permanent"), "Handler calls by outcome");
            case RETRIED -> counter("messages.retried", tags, "Retries scheduled on the same queue");
            case MOVED_TO_RETRY_QUEUE -> counter("messages.moved.to.retry.queue", tags,
                    "Failed messages moved to a retry queue");
            case DELETED -> counter("messages.deleted", tags, "Deletes SQS confirmed");
            case DUPLICATE -> counter("messages.duplicates", tags.and("in.progress", "false"),
                    "Messages not handled because their idempotency key was taken");
            case DUPLICATE_IN_PROGRESS -> counter("messages.duplicates", tags.and("in.progress", "true"),
                    "Messages not handled because their idempotency key was taken");
            case LEASE_LOST -> counter("leases.lost", tags, "Messages whose lease the consumer lost");
            case DELETE_FAILED -> counter("deletes.failed", tags, "Deletes that failed for good");
            case MOVE_FAILED -> counter("moves.failed", tags, "Moves to a retry or dead-letter queue that failed");
            case POLL_FAILED -> counter("polls.failed", tags, "Receive calls that failed");
            case EXTENSION_REFUSED -> counter("visibility.extensions.refused", tags,
                    "Episodes of SQS refusing visibility extensions");
            case REDELIVERED_WHILE_HELD -> counter("messages.redelivered.while.held", tags,
                    "Messages received again while their handler still ran");
            case HANDLER_SUCCEEDED -> timer("handler.duration", tags.and("outcome", "succeeded"),
                    "How long handler calls ran");
            case HANDLER_FAILED -> timer("handler.duration", tags.and("outcome", "failed"),
                    "How long handler calls ran");
            case HANDLER_WAIT -> timer("handler.wait", tags, "How long messages waited between receipt and handler");
            default -> slot < RELEASED
                    ? counter("messages.dead.lettered",
                            tags.and("reason", lower(DEAD_LETTER_REASONS[slot - DEAD_LETTERED])),
                            "Messages moved to the dead-letter queue")
                    : counter("messages.released", tags.and("reason", lower(RELEASE_REASONS[slot - RELEASED])),
                            "Messages released unprocessed");
        };
    }

    private Counter counter(String name, Tags tags, String description) {
        return Counter.builder(PREFIX + name).tags(tags).description(description).register(registry);
    }

    private Timer timer(String name, Tags tags, String description) {
        return Timer.builder(PREFIX + name).tags(tags).description(description).register(registry);
    }

    private void gauge(String name, String baseUnit, String description, ObservedConsumer consumer,
                       ToDoubleFunction<ObservedConsumer> value) {
        gauges.add(Gauge.builder(PREFIX + name, consumer, value).tags(consumerTags).baseUnit(baseUnit)
                .description(description).strongReference(true).register(registry));
    }

    static String queueName(String queueUrl) {
        return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
