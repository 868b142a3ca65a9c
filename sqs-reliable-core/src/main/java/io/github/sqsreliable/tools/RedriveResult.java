package io.github.sqsreliable.tools;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link DeadLetterRedrive#redrive(RedriveRequest, java.util.function.Consumer) redrive} did. Immutable.
 *
 * @param moved messages sent to their target queue and then deleted from the dead-letter queue
 * @param skipped messages left in the dead-letter queue on purpose: their error class did not match the
 *     request's filter, or they had no failure record and the request named no target
 * @param failed messages that could not be moved: their send was refused (they are still in the dead-letter
 *     queue, visible again), they could not be sent at all (a FIFO target without a message group, an origin
 *     that is the dead-letter queue itself), or their delete was refused after the send (see
 *     {@link #sentButNotDeleted()})
 * @param sentButNotDeleted of {@code failed}, the messages whose copy reached the target but whose delete from
 *     the dead-letter queue was refused: they are now in both queues, and a later redrive would send them again
 * @param movedByTarget how many messages were moved to each target queue URL, in the order targets were first used
 * @param failures why messages failed, the first {@value #MAX_FAILURES_REPORTED} of them
 * @param elapsed how long the run took
 */
public record RedriveResult(long moved, long skipped, long failed, long sentButNotDeleted,
                            Map<String, Long> movedByTarget, List<Failure> failures, Duration elapsed) {

    /** The most failures {@link #failures()} lists, so that a run over a broken target stays small in memory. */
    public static final int MAX_FAILURES_REPORTED = 100;

    /**
     * One message that could not be moved.
     *
     * @param messageId its id in the dead-letter queue
     * @param reason why, e.g. SQS's error code; never the body or a receipt handle
     */
    public record Failure(String messageId, String reason) {
        /**
         * Checks the values.
         *
         * @param messageId its id in the dead-letter queue
         * @param reason why it could not be moved
         */
        public Failure {
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Checks and copies; the collections become immutable and keep their order.
     *
     * @param moved messages sent to their target queue and then deleted from the dead-letter queue
     * @param skipped messages left in the dead-letter queue on purpose
     * @param failed messages that could not be moved
     * @param sentButNotDeleted of {@code failed}, the messages now in both queues
     * @param movedByTarget how many messages were moved to each target queue URL; copied
     * @param failures why messages failed, at most {@value #MAX_FAILURES_REPORTED}; copied
     * @param elapsed how long the run took
     */
    public RedriveResult {
        movedByTarget = Collections.unmodifiableMap(new LinkedHashMap<>(movedByTarget));
        failures = List.copyOf(failures);
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** @return whether every message the run tried to move was moved */
    public boolean succeeded() {
        return failed == 0;
    }
}
