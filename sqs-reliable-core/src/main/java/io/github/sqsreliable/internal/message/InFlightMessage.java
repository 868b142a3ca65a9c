package io.github.sqsreliable.internal.message;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.HeldKey;
import io.github.sqsreliable.observe.MessageTracing;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import io.github.sqsreliable.internal.sqs.MessageSize;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One received message while the consumer holds it: the handler's view, the receipt handle, and the lease
 * bookkeeping that keeps a visibility extension from ever following the message's delete or release.
 *
 * <p>Thread-safe: workers settle it while the visibility thread extends it.
 */
public final class InFlightMessage implements DispatchUnit {

    private static final CompletableFuture<Void> NOTHING_PENDING = CompletableFuture.completedFuture(null);

    private final SqsMessage view;
    private final String receiptHandle;
    private final String dispatchKey;
    private final long leaseStartNanos;
    private final long arrivedNanos = System.nanoTime();
    private final long sizeBytes;
    private final AtomicBoolean bytesReleased = new AtomicBoolean();
    private volatile long visibleUntilNanos;

    // Set once by the idempotency gate before dispatch; read by the settle stage and the extender.
    private volatile HeldKey heldKey;
    // Set by the worker once the handler ran; read by the thread that sends a copy (a move), for its trace context.
    private volatile MessageTracing.Span span;

    // Guarded by this: at most one extension in flight, and none started after settle().
    private boolean settled;
    private boolean leaseLost;
    private CompletableFuture<Void> extensionInFlight;

    /**
     * @param message the SDK's message
     * @param view the handler's view of it
     * @param fifo whether the queue is FIFO: then messages of one group share a dispatch key
     * @param leaseStartNanos {@link System#nanoTime()} when the receive was sent, a lower bound for the time SQS
     *     started the visibility timeout
     * @param visibilityTimeoutNanos the visibility timeout the message was received with
     */
    public InFlightMessage(Message message, SqsMessage view, boolean fifo, long leaseStartNanos,
                           long visibilityTimeoutNanos) {
        this.view = view;
        this.receiptHandle = message.receiptHandle();
        // A standard queue may carry MessageGroupId ("fair queues"); it must not serialise handling there.
        this.dispatchKey = fifo ? view.messageGroupId().orElse("") : view.messageId();
        this.leaseStartNanos = leaseStartNanos;
        this.visibleUntilNanos = leaseStartNanos + visibilityTimeoutNanos;
        this.sizeBytes = MessageSize.of(view.body(), view.messageAttributes());
    }

    /** @return {@link System#nanoTime()} when the consumer took the message from the receive's answer */
    public long arrivedNanos() {
        return arrivedNanos;
    }

    /** @return the message's size as SQS counts it: body and message attributes, in bytes */
    public long sizeBytes() {
        return sizeBytes;
    }

    /**
     * Claims the message's bytes for release from the byte budget: the first call returns them, later calls 0,
     * so that a message counted once is released once, whichever path it leaves by.
     *
     * @return the bytes to release, or 0
     */
    public long takeBytesToRelease() {
        return bytesReleased.compareAndSet(false, true) ? sizeBytes : 0;
    }

    /**
     * Records that this message's idempotency key is held.
     *
     * @param key the held key
     */
    public void holdIdempotencyKey(HeldKey key) {
        this.heldKey = key;
    }

    /** @return the held key, or null */
    public HeldKey heldKey() {
        return heldKey;
    }

    /** @return the store key held for this message, or null */
    public String idempotencyKey() {
        HeldKey held = heldKey;
        return held == null ? null : held.key();
    }

    /** @return the token of the held key, or null */
    public FencingToken fencingToken() {
        HeldKey held = heldKey;
        return held == null ? null : held.token();
    }

    /** @return whether the handler's own transaction recorded the held key as done */
    public boolean keyCompletedByHandler() {
        HeldKey held = heldKey;
        return held != null && held.completedByHandler();
    }

    /**
     * Records the span of the handler call that decided this message's outcome, whose context a copy carries.
     *
     * @param span the span
     */
    public void traced(MessageTracing.Span span) {
        this.span = span;
    }

    /** @return the span of the handler call that decided this message's outcome, or null when none ran */
    public MessageTracing.Span span() {
        return span;
    }

    /** @return the handler's view */
    public SqsMessage view() {
        return view;
    }

    /** @return the receipt handle; never log it */
    public String receiptHandle() {
        return receiptHandle;
    }

    /** @return the FIFO message group, or the message id on a standard queue */
    @Override
    public String dispatchKey() {
        return dispatchKey;
    }

    /** @return this message alone: the unit a single-message handler runs */
    @Override
    public List<InFlightMessage> messages() {
        return List.of(this);
    }

    /** @return {@link System#nanoTime()} at the start of the receive that returned this message */
    public long leaseStartNanos() {
        return leaseStartNanos;
    }

    /** @return the latest {@link System#nanoTime()} until which the message is known to be invisible */
    public long visibleUntilNanos() {
        return visibleUntilNanos;
    }

    /**
     * Claims the right to extend: fails once the message is settled, its lease is lost, or an extension is
     * already in flight.
     *
     * @return whether the caller may send one extension now
     */
    public synchronized boolean tryBeginExtension() {
        if (settled || leaseLost || extensionInFlight != null) {
            return false;
        }
        extensionInFlight = new CompletableFuture<>();
        return true;
    }

    /**
     * Ends the extension begun by {@link #tryBeginExtension()}.
     *
     * @param newVisibleUntilNanos the new visibility bound when SQS confirmed it, or -1 when it did not
     */
    public void endExtension(long newVisibleUntilNanos) {
        CompletableFuture<Void> ended;
        synchronized (this) {
            if (newVisibleUntilNanos > 0) {
                visibleUntilNanos = newVisibleUntilNanos;
            }
            ended = extensionInFlight;
            extensionInFlight = null;
        }
        if (ended != null) {
            ended.complete(null);
        }
    }

    /** Records that SQS no longer honours this receipt handle: no further extension is attempted. */
    public synchronized void markLeaseLost() {
        leaseLost = true;
    }

    /** @return whether {@link #markLeaseLost()} was called: the message is held but no longer extended */
    public synchronized boolean isLeaseLost() {
        return leaseLost;
    }

    /**
     * Settles the message: no extension starts after this call.
     *
     * @return a future that completes once no extension is in flight, or {@code null} when the message was
     *     settled before (the caller must then do nothing)
     */
    public synchronized CompletableFuture<Void> settle() {
        if (settled) {
            return null;
        }
        settled = true;
        return extensionInFlight != null ? extensionInFlight : NOTHING_PENDING;
    }

    /** @return whether {@link #settle()} was called */
    public synchronized boolean isSettled() {
        return settled;
    }
}
