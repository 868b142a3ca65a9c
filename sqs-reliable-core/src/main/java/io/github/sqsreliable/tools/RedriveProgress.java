package io.github.sqsreliable.tools;

import java.time.Duration;
import java.util.Objects;

/**
 * How far a {@link DeadLetterRedrive#redrive(RedriveRequest, java.util.function.Consumer) redrive} has got,
 * reported after each batch of up to 10 messages. Immutable.
 *
 * @param moved messages sent to their target and deleted from the dead-letter queue so far
 * @param skipped messages left in the dead-letter queue on purpose so far (filtered out, or without a target)
 * @param failed messages that could not be moved so far (see {@link RedriveResult#failed()})
 * @param elapsed time since the run started
 */
public record RedriveProgress(long moved, long skipped, long failed, Duration elapsed) {

    /**
     * Checks the values.
     *
     * @param moved messages moved so far
     * @param skipped messages skipped so far
     * @param failed messages that could not be moved so far
     * @param elapsed time since the run started
     */
    public RedriveProgress {
        Objects.requireNonNull(elapsed, "elapsed");
    }
}
