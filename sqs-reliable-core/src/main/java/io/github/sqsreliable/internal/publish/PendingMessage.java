package io.github.sqsreliable.internal.publish;

import io.github.sqsreliable.publish.PublishException;
import io.github.sqsreliable.publish.PublishResult;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** One message from {@code publish} until its final answer. */
final class PendingMessage {

    final String body;
    final String groupId;
    final String deduplicationId;
    final Integer delaySeconds;
    final Map<String, MessageAttributeValue> attributes;
    final String traceHeader;
    /** What the message counts against a batch's 1 MiB and the publisher's byte bound. */
    final long size;
    /** Handed to the caller; completing it is the caller's business, so {@link #finished} decides what counts. */
    final CompletableFuture<PublishResult> result = new CompletableFuture<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    int attempts;
    /** {@link System#nanoTime()} from which the message's linger counts. */
    long enqueuedNanos;

    PendingMessage(String body, String groupId, String deduplicationId, Integer delaySeconds,
                   Map<String, MessageAttributeValue> attributes, String traceHeader, long size) {
        this.body = body;
        this.groupId = groupId;
        this.deduplicationId = deduplicationId;
        this.delaySeconds = delaySeconds;
        this.attributes = attributes;
        this.traceHeader = traceHeader;
        this.size = size;
    }

    /** @return whether this call finished the message (false when it already had its answer) */
    boolean succeed(PublishResult answer) {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        result.complete(answer);
        return true;
    }

    /** @return whether this call finished the message (false when it already had its answer) */
    boolean fail(PublishException failure) {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        result.completeExceptionally(failure);
        return true;
    }

    boolean isFinished() {
        return finished.get();
    }
}
