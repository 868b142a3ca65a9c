package io.github.sqsreliable.internal.lease;

import io.github.sqsreliable.BatchEntryFailedException;
import io.github.sqsreliable.internal.InFlightMessage;
import io.github.sqsreliable.internal.SqsLimits;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.settle.SqsBatcher;
import io.github.sqsreliable.observe.ConsumerEvent.LeaseLostReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps held messages invisible: on each tick, every message whose remaining visibility is within the margin is
 * extended by one visibility timeout, in ChangeMessageVisibilityBatch requests. Messages that would be due
 * within another margin ride along to fill the last batch, so that later ticks need fewer requests.
 *
 * <p>Extension stops when the message is settled (no extension is ever sent after its delete or release is
 * queued: see {@link InFlightMessage#settle()}), when SQS refuses the receipt handle (lease lost), or when the
 * message is invisible until {@code maxProcessingTime} after its receipt (never beyond SQS's 12 hours); the
 * lease is reported lost when that last visibility runs out.
 */
public final class VisibilityExtender {

    private static final Logger log = LoggerFactory.getLogger(VisibilityExtender.class);
    private static final long ONE_SECOND_NANOS = 1_000_000_000L;

    private final Set<InFlightMessage> tracked = ConcurrentHashMap.newKeySet();
    private final SqsBatcher visibilityChanges;
    private final ConsumerEvents events;
    private final LongSupplier nanoClock;
    private final long visibilityTimeoutNanos;
    private final int visibilityTimeoutSeconds;
    private final long marginNanos;
    private final long maxHoldNanos;
    private volatile BiConsumer<InFlightMessage, Duration> onExtended = (message, visibility) -> { };

    /**
     * @param visibilityChanges where extensions are sent
     * @param events where extensions and lost leases are reported
     * @param nanoClock {@link System#nanoTime()} in production; a fake in tests
     * @param visibilityTimeout the visibility timeout; each extension lasts this plus the margin
     * @param margin extend when at most this much visibility remains
     * @param maxProcessingTime stop extending this long after receipt
     */
    public VisibilityExtender(SqsBatcher visibilityChanges, ConsumerEvents events, LongSupplier nanoClock,
                              Duration visibilityTimeout, Duration margin, Duration maxProcessingTime) {
        this.visibilityChanges = visibilityChanges;
        this.events = events;
        this.nanoClock = nanoClock;
        // Extending to timeout + margin when the margin is reached puts extensions one visibility timeout apart:
        // with the default margin (half the timeout), half the calls of extending to the bare timeout, while a
        // crashed consumer's messages come back at most one margin later.
        Duration extension = visibilityTimeout.plus(margin);
        if (extension.compareTo(SqsLimits.MAX_VISIBILITY_TIMEOUT) > 0) {
            extension = SqsLimits.MAX_VISIBILITY_TIMEOUT;
        }
        this.visibilityTimeoutNanos = extension.toNanos();
        this.visibilityTimeoutSeconds = SqsLimits.toSecondsRoundingUp(extension);
        this.marginNanos = margin.toNanos();
        this.maxHoldNanos = Math.min(maxProcessingTime.toNanos(), SqsLimits.MAX_VISIBILITY_TIMEOUT.toNanos());
    }

    /**
     * @param margin the extension margin
     * @return how often to tick: a quarter of the margin, between 50 ms and 1 s
     */
    public static Duration tickInterval(Duration margin) {
        long quarter = margin.toMillis() / 4;
        return Duration.ofMillis(Math.max(50, Math.min(1_000, quarter)));
    }

    /**
     * Ticks on the given scheduler until it is shut down.
     *
     * @param scheduler a single-threaded scheduler the caller owns
     * @param interval see {@link #tickInterval(Duration)}
     */
    public void start(ScheduledExecutorService scheduler, Duration interval) {
        scheduler.scheduleWithFixedDelay(this::tickSafely, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * @param onExtended called after each confirmed extension with the new visibility (the idempotency lease is
     *     renewed with it); must not block
     */
    public void onExtended(BiConsumer<InFlightMessage, Duration> onExtended) {
        this.onExtended = onExtended;
    }

    /** @param message a message just received */
    public void track(InFlightMessage message) {
        tracked.add(message);
    }

    /** @param message a settled message: stops tracking it now rather than at the next tick */
    public void untrack(InFlightMessage message) {
        tracked.remove(message);
    }

    /** @return the messages tracked now: every message received and not yet settled */
    public List<InFlightMessage> trackedMessages() {
        return List.copyOf(tracked);
    }

    /** @return how many messages are tracked */
    public int trackedCount() {
        return tracked.size();
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.error("visibility extension tick failed; retrying on the next tick", e);
        }
    }

    void tick() {
        long now = nanoClock.getAsLong();
        List<InFlightMessage> due = new ArrayList<>();
        List<InFlightMessage> soon = new ArrayList<>();
        for (InFlightMessage message : tracked) {
            if (message.isSettled()) {
                tracked.remove(message);
                continue;
            }
            long remaining = message.visibleUntilNanos() - now;
            long budget = message.leaseStartNanos() + maxHoldNanos - now;
            if (remaining <= 0) {
                message.markLeaseLost();
                tracked.remove(message);
                if (budget < ONE_SECOND_NANOS) {
                    events.leaseLost(message.view(), LeaseLostReason.MAX_PROCESSING_TIME_REACHED, null);
                    log.warn("message {} was held for its maximum processing time; it will be delivered again",
                            message.view().messageId());
                } else {
                    // Every extension failed until the visibility ran out: SQS may already have redelivered it.
                    events.leaseLost(message.view(), LeaseLostReason.EXTENSION_FAILED, null);
                    log.warn("lost the lease of message {}: its visibility ran out before an extension succeeded",
                            message.view().messageId());
                }
            } else if (message.visibleUntilNanos() > message.leaseStartNanos() + maxHoldNanos - ONE_SECOND_NANOS) {
                // Already invisible until the processing-time limit: a further extension would change nothing.
                continue;
            } else if (remaining <= marginNanos) {
                due.add(message);
            } else if (remaining <= 2 * marginNanos) {
                soon.add(message);
            }
        }
        if (due.isEmpty()) {
            return;
        }
        int roomInLastBatch = (SqsLimits.MAX_BATCH_ENTRIES - due.size() % SqsLimits.MAX_BATCH_ENTRIES)
                % SqsLimits.MAX_BATCH_ENTRIES;
        due.addAll(soon.subList(0, Math.min(roomInLastBatch, soon.size())));
        for (InFlightMessage message : due) {
            extend(message, now);
        }
    }

    private void extend(InFlightMessage message, long now) {
        long budgetNanos = message.leaseStartNanos() + maxHoldNanos - now;
        // Capped so that visibility never outlasts maxProcessingTime (nor SQS's 12 hours) counted from receipt.
        int seconds = Math.min(visibilityTimeoutSeconds, SqsLimits.toSecondsRoundingDown(Duration.ofNanos(budgetNanos)));
        if (seconds <= 0) {
            return; // reported as MAX_PROCESSING_TIME_REACHED when the visibility runs out
        }
        if (!message.tryBeginExtension()) {
            return;
        }
        long newVisibleUntil = now + Math.min(visibilityTimeoutNanos, seconds * 1_000_000_000L);
        visibilityChanges.submit(message.receiptHandle(), seconds).whenComplete((ok, error) -> {
            if (error == null) {
                message.endExtension(newVisibleUntil);
                events.visibilityExtended(message.view(), Duration.ofSeconds(seconds));
                onExtended.accept(message, Duration.ofSeconds(seconds));
                return;
            }
            message.endExtension(-1);
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof BatchEntryFailedException failure && failure.isReceiptHandleInvalid()) {
                message.markLeaseLost();
                tracked.remove(message);
                events.leaseLost(message.view(), LeaseLostReason.RECEIPT_HANDLE_INVALID, failure);
                log.warn("lost the lease of message {}: SQS refused its receipt handle ({})",
                        message.view().messageId(), failure.errorCode());
            } else {
                log.warn("extending the visibility of message {} failed; retrying on the next tick: {}",
                        message.view().messageId(), cause.toString());
            }
        });
    }
}
