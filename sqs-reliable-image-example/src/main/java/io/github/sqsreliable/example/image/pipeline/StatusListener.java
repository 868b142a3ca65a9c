package io.github.sqsreliable.example.image.pipeline;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a consumer's events into status changes: a retry counts an attempt, a dead letter marks the image
 * {@link ImageStatus#FAILED} with the failure's reason, a skipped duplicate is counted. Events may arrive on SDK
 * threads, so the writes are handed to one bounded, named thread of their own.
 */
final class StatusListener implements ConsumerListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusListener.class);
    private static final int QUEUE_CAPACITY = 100_000;

    private final StatusBoard board;
    private final Function<SqsMessage, Optional<String>> imageIdOf;
    private final Clock clock;
    private final ThreadPoolExecutor writer;

    StatusListener(String name, StatusBoard board, Function<SqsMessage, Optional<String>> imageIdOf, Clock clock) {
        this.board = Objects.requireNonNull(board, "board");
        this.imageIdOf = Objects.requireNonNull(imageIdOf, "imageIdOf");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY),
                runnable -> {
                    Thread thread = new Thread(runnable, "image-status-" + name);
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @Override
    public void onRetryScheduled(ConsumerEvent.RetryScheduled event) {
        if (event.error() != null) {
            change(event.message(), ImageRecord::retried);
        }
    }

    @Override
    public void onMovedToRetryQueue(ConsumerEvent.MovedToRetryQueue event) {
        change(event.message(), ImageRecord::retried);
    }

    @Override
    public void onDeadLettered(ConsumerEvent.DeadLettered event) {
        String reason = describe(event.error()) + " (" + event.reason().name().toLowerCase().replace('_', ' ') + ")";
        Instant at = clock.instant();
        change(event.message(), record -> record.failed(reason, at));
    }

    @Override
    public void onDuplicateSkipped(ConsumerEvent.DuplicateSkipped event) {
        if (!event.inProgress()) {
            change(event.message(), ImageRecord::duplicateSkipped);
        }
    }

    /** Finishes the queued writes, waiting up to {@code timeout}. */
    void drain(Duration timeout) {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("status writes still queued after {}: {}", timeout, writer.getQueue().size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        drain(Duration.ofSeconds(5));
    }

    private void change(SqsMessage message, UnaryOperator<ImageRecord> change) {
        Optional<String> imageId = imageIdOf.apply(message);
        if (imageId.isEmpty()) {
            return; // a malformed body names no image; its dead letter carries the reason
        }
        try {
            writer.execute(() -> {
                try {
                    board.update(imageId.get(), change);
                } catch (RuntimeException e) {
                    LOG.error("could not update the status of image {}", imageId.get(), e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.error("status update of image {} dropped: the status writer is full or closed", imageId.get());
        }
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }
}
