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
 * Turns a stage's events into status changes: a retry counts an attempt, a dead letter marks the image
 * {@link ImageStatus#FAILED} with the failure's reason, a skipped duplicate is counted. Used by both forms of the
 * example: a polling consumer's events may arrive on SDK threads, so {@link Writes#QUEUED} hands the writes to one
 * bounded, named thread of its own; a Lambda function's must be written before it answers (Lambda freezes the
 * execution environment then), so {@link Writes#DIRECT} writes on the event's thread. Thread-safe.
 */
public final class StatusListener implements ConsumerListener, AutoCloseable {

    /** Where the status writes run. */
    public enum Writes {
        /** On a thread of the listener's own, in the order of the events; {@link #close()} finishes them. */
        QUEUED,
        /** On the thread that delivers the event, before it returns. */
        DIRECT
    }

    private static final Logger LOG = LoggerFactory.getLogger(StatusListener.class);
    private static final int QUEUE_CAPACITY = 100_000;

    private final StatusBoard board;
    private final Function<SqsMessage, Optional<String>> imageIdOf;
    private final Clock clock;
    private final ThreadPoolExecutor writer;

    private StatusListener(String name, StatusBoard board, Function<SqsMessage, Optional<String>> imageIdOf,
            Clock clock, Writes writes) {
        this.board = Objects.requireNonNull(board, "board");
        this.imageIdOf = Objects.requireNonNull(imageIdOf, "imageIdOf");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.writer = Objects.requireNonNull(writes, "writes") == Writes.DIRECT ? null : new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY),
                runnable -> {
                    Thread thread = new Thread(runnable, "image-status-" + name);
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * The resize stage's listener, reading the image id of a {@link ResizeRequest}.
     *
     * @param board where the changes go
     * @param clock the time of a failure
     * @param writes where the writes run
     */
    public static StatusListener resize(StatusBoard board, Clock clock, Writes writes) {
        return new StatusListener("resize", board, message -> imageId(message, ResizeRequest.class,
                ResizeRequest::imageId), clock, writes);
    }

    /**
     * The catalog stage's listener, reading the image id of a {@link CatalogRequest}.
     *
     * @param board where the changes go
     * @param clock the time of a failure
     * @param writes where the writes run
     */
    public static StatusListener catalog(StatusBoard board, Clock clock, Writes writes) {
        return new StatusListener("catalog", board, message -> imageId(message, CatalogRequest.class,
                CatalogRequest::imageId), clock, writes);
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
        if (writer == null) {
            return;
        }
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
        Runnable write = () -> {
            try {
                board.update(imageId.get(), change);
            } catch (RuntimeException e) {
                LOG.error("could not update the status of image {}", imageId.get(), e);
            }
        };
        if (writer == null) {
            write.run();
            return;
        }
        try {
            writer.execute(write);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.error("status update of image {} dropped: the status writer is full or closed", imageId.get());
        }
    }

    private static <T> Optional<String> imageId(SqsMessage message, Class<T> type, Function<T, String> id) {
        try {
            return Optional.ofNullable(id.apply(Json.read(message.body(), type)));
        } catch (Json.MalformedJsonException e) {
            return Optional.empty();
        }
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }
}
