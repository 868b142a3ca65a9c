package io.github.sqsreliable.internal.lease;

import io.github.sqsreliable.BatchEntryFailedException;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.sqs.SqsLimits;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.sqs.SqsBatcher;
import io.github.sqsreliable.observe.ConsumerEvent.LeaseLostReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 *
 * <p>A refusal that means the consumer is misconfigured (access denied, no such queue: see
 * {@link Misconfiguration}) is no news about one message: it is reported once, at ERROR and as a
 * {@code VisibilityExtensionRefused} event, until an extension succeeds again; each refused extension is
 * counted, and a message whose visibility then runs out is not reported as a lost lease of its own.
 *
 * <p>Until a message is settled it stays held here even after its visibility ran out, so that a copy of it
 * received meanwhile (SQS delivered it again while its handler runs) is recognised and reported.
 */
public final class VisibilityExtender {

    private static final Logger log = LoggerFactory.getLogger(VisibilityExtender.class);
    private static final long ONE_SECOND_NANOS = 1_000_000_000L;

    /**
     * Every message received and not yet settled, including those whose visibility ran out (and so no longer
     * extended: its lease is lost), by message id: the {@link InFlightMessage}, or {@link Copies} when SQS
     * delivered it again while it was held. One map, so that tracking a message and untracking it cost one map
     * operation each: every message passes through here.
     */
    private final ConcurrentHashMap<String, Object> heldById = new ConcurrentHashMap<>();
    private final AtomicLong redeliveries = new AtomicLong();
    /** The misconfiguration extensions are refused for now, or null: reported once per episode. */
    private final AtomicReference<Misconfiguration> refusal = new AtomicReference<>();
    private final SqsBatcher visibilityChanges;
    private final ConsumerEvents events;
    private final LongSupplier nanoClock;
    private final long visibilityTimeoutNanos;
    private final int visibilityTimeoutSeconds;
    private final long marginNanos;
    private final long maxHoldNanos;
    private volatile String queueUrl = "the queue";
    private volatile String consequences = "Messages whose handlers run longer than the visibility timeout become "
            + "visible again while they run.";
    private volatile boolean guardedByKeys;

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
     * Says what the single report of a misconfiguration refusal names and explains. Call before {@link #start}.
     *
     * @param queueUrl the queue
     * @param consequences what the refusals do to this consumer's messages, in a sentence or two
     */
    public void explainRefusals(String queueUrl, String consequences) {
        this.queueUrl = queueUrl;
        this.consequences = consequences;
    }

    /**
     * @param guardedByKeys whether messages go through an idempotency gate, so that a copy received while an
     *     earlier one is handled waits for the key instead of running: such copies are then not worth a WARN
     */
    public void guardedByKeys(boolean guardedByKeys) {
        this.guardedByKeys = guardedByKeys;
    }

    /** @param message a message just received */
    public void track(InFlightMessage message) {
        if (heldById.merge(message.view().messageId(), message, VisibilityExtender::withCopy) != message) {
            redelivered(message);
        }
    }

    /** @param message a settled message: stops tracking it now rather than at the next tick */
    public void untrack(InFlightMessage message) {
        String messageId = message.view().messageId();
        // The common case, one copy held: removed only if it is this very message.
        if (!heldById.remove(messageId, message)) {
            heldById.computeIfPresent(messageId, (id, held) -> withoutCopy(held, message));
        }
    }

    /** @return every message received and not yet settled, whether or not its visibility is still extended */
    public List<InFlightMessage> trackedMessages() {
        List<InFlightMessage> messages = new ArrayList<>();
        heldById.values().forEach(held -> messages.addAll(copiesOf(held)));
        return List.copyOf(messages);
    }

    /** @return how many messages are still being extended */
    public int trackedCount() {
        return (int) trackedMessages().stream().filter(message -> !message.isLeaseLost()).count();
    }

    /** Two or more copies of one message id, held at once. */
    private record Copies(List<InFlightMessage> messages) {
    }

    /** The held value once {@code copy} joins {@code held}: both are an {@link InFlightMessage} or {@link Copies}. */
    private static Object withCopy(Object held, Object copy) {
        List<InFlightMessage> messages = new ArrayList<>(copiesOf(held));
        messages.add((InFlightMessage) copy);
        return new Copies(List.copyOf(messages));
    }

    /** The held value once {@code message} left {@code held}: one message stands for itself again. */
    private static Object withoutCopy(Object held, InFlightMessage message) {
        if (!(held instanceof Copies copies) || !copies.messages().contains(message)) {
            return held; // a message untracked before; this id's value belongs to other copies
        }
        List<InFlightMessage> rest = new ArrayList<>(copies.messages());
        rest.remove(message);
        return rest.size() == 1 ? rest.get(0) : new Copies(List.copyOf(rest));
    }

    private static List<InFlightMessage> copiesOf(Object held) {
        return held instanceof Copies copies ? copies.messages() : List.of((InFlightMessage) held);
    }

    private void redelivered(InFlightMessage copy) {
        events.redeliveredWhileHeld(copy.view());
        long count = redeliveries.incrementAndGet();
        Misconfiguration refused = refusal.get();
        String why = refused != null ? "SQS refuses visibility extensions (" + refused.errorCode() + ")"
                : "its visibility lapsed while its handler ran";
        if (guardedByKeys) {
            log.debug("message {} was received again while its handler still runs here ({}); it waits for its "
                    + "idempotency key", copy.view().messageId(), why);
        } else if (count == 1 || count % 10 == 0) {
            log.warn("message {} was received again while its handler still runs here ({}): without idempotency "
                    + "both copies are handled at once ({} such receive(s) so far; see the "
                    + "redeliveredWhileHeld metric)", copy.view().messageId(), why, count);
        }
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
        for (Object held : heldById.values()) {
            if (held instanceof Copies copies) {
                copies.messages().forEach(message -> review(message, now, due, soon));
            } else {
                review((InFlightMessage) held, now, due, soon);
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

    /** Sorts a held message into those due for an extension, those due soon, or neither; reports a lost lease. */
    private void review(InFlightMessage message, long now, List<InFlightMessage> due, List<InFlightMessage> soon) {
        if (message.isSettled()) {
            untrack(message);
            return;
        }
        if (message.isLeaseLost()) {
            return; // its visibility ran out; held only to recognise a copy of it
        }
        long remaining = message.visibleUntilNanos() - now;
        long budget = message.leaseStartNanos() + maxHoldNanos - now;
        if (remaining <= 0) {
            message.markLeaseLost();
            if (budget < ONE_SECOND_NANOS) {
                events.leaseLost(message.view(), LeaseLostReason.MAX_PROCESSING_TIME_REACHED, null);
                log.warn("message {} was held for its maximum processing time; it will be delivered again",
                        message.view().messageId());
            } else if (refusal.get() != null) {
                // Not this message's loss but the consumer's misconfiguration, which was reported once.
                log.debug("the visibility of message {} ran out while extensions are refused",
                        message.view().messageId());
            } else {
                // Every extension failed until the visibility ran out: SQS may already have redelivered it.
                events.leaseLost(message.view(), LeaseLostReason.EXTENSION_FAILED, null);
                log.warn("lost the lease of message {}: its visibility ran out before an extension succeeded",
                        message.view().messageId());
            }
        } else if (message.visibleUntilNanos() > message.leaseStartNanos() + maxHoldNanos - ONE_SECOND_NANOS) {
            // Already invisible until the processing-time limit: a further extension would change nothing.
            return;
        } else if (remaining <= marginNanos) {
            due.add(message);
        } else if (remaining <= 2 * marginNanos) {
            soon.add(message);
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
                if (refusal.get() != null) {
                    Misconfiguration ended = refusal.getAndSet(null);
                    if (ended != null) {
                        log.info("SQS accepts visibility extensions on {} again (they were refused with {})",
                                queueUrl, ended.errorCode());
                    }
                }
                return;
            }
            message.endExtension(-1);
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            Misconfiguration misconfiguration = Misconfiguration.of(cause, queueUrl);
            if (misconfiguration != null) {
                refused(message, misconfiguration, cause);
            } else if (cause instanceof BatchEntryFailedException failure && failure.isReceiptHandleInvalid()) {
                message.markLeaseLost();
                events.leaseLost(message.view(), LeaseLostReason.RECEIPT_HANDLE_INVALID, failure);
                log.warn("lost the lease of message {}: SQS refused its receipt handle ({})",
                        message.view().messageId(), failure.errorCode());
            } else {
                log.warn("extending the visibility of message {} failed; retrying on the next tick: {}",
                        message.view().messageId(), cause.toString());
            }
        });
    }

    /** Counts every refusal; reports the first of an episode, loudly, as the misconfiguration it is. */
    private void refused(InFlightMessage message, Misconfiguration misconfiguration, Throwable cause) {
        events.extensionRefused();
        Misconfiguration previous = refusal.getAndSet(misconfiguration);
        if (previous != null && previous.errorCode().equals(misconfiguration.errorCode())) {
            log.debug("extending the visibility of message {} was refused ({}); retrying on the next tick",
                    message.view().messageId(), misconfiguration.errorCode());
            return;
        }
        log.error("SQS refuses to extend the visibility of messages on {} ({}): {}. This is the consumer's "
                        + "configuration, not one lost message, and retrying will not fix it; it is reported once "
                        + "(each refused extension is counted in the visibilityExtensionsRefused metric). {}",
                queueUrl, misconfiguration.errorCode(), misconfiguration.meaning(), consequences);
        events.visibilityExtensionRefused(queueUrl, misconfiguration.errorCode(), misconfiguration.meaning(), cause);
    }
}
