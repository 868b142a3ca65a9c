package io.github.sqsreliable.benchmarks.peer;

import io.awspring.cloud.sqs.listener.BackPressureMode;
import io.awspring.cloud.sqs.listener.SqsMessageListenerContainer;
import io.awspring.cloud.sqs.listener.acknowledgement.AsyncAcknowledgementResultCallback;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.springframework.messaging.Message;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * A Spring Cloud AWS SQS consumer (3.4.x) as a user without Spring Boot writes it: an
 * {@link SqsMessageListenerContainer} built with its builder on the {@link SqsAsyncClient} it is given (the
 * benchmark gives it the same CRT client as the library's rows, so the HTTP client is not what differs), with a
 * blocking {@code MessageListener} and the default acknowledgement mode ON_SUCCESS, which deletes each message after
 * its listener returned, in DeleteMessageBatch requests.
 *
 * <p>Deletes are counted with the container's own signal, its acknowledgement result callback, which runs once a
 * DeleteMessageBatch has answered for the messages in it: the clock of a run stops at the last confirmed delete, as
 * for the library's rows and the raw loops.
 *
 * <p>Two settings, see {@link Settings}: its defaults, and tuned for throughput as its reference documentation
 * ("Message Processing Throughput", "Acknowledgement") advises. Thread-safe; {@link #close()} stops the container.
 */
public final class SpringCloudAwsConsumer implements AutoCloseable {

    /**
     * How the container is configured.
     *
     * @param tuned whether any option is set beyond the client, the queue and the listener
     * @param maxConcurrentMessages messages in flight at most (default 10); the container sizes its listener thread
     *     pool to it, and polls while it has permits for a batch
     * @param backPressureMode AUTO (default: one poll at a time until a poll returns messages, then as many as
     *     permits allow) or FIXED_HIGH_THROUGHPUT (always as many polls as permits allow)
     * @param maxDelayBetweenPolls how long a poll waits for a full batch of permits (default 10 s)
     * @param acknowledgementInterval how long deletes wait to fill a batch (default 1 s on standard queues, and 0
     *     with threshold 0 on FIFO queues, whose messages are deleted right after their listener)
     * @param acknowledgementThreshold deletes batched before they are sent (default 10 on standard queues)
     */
    public record Settings(boolean tuned, int maxConcurrentMessages, BackPressureMode backPressureMode,
            Duration maxDelayBetweenPolls, Duration acknowledgementInterval, int acknowledgementThreshold) {

        /** Spring Cloud AWS's default concurrency, ten messages in flight per queue. */
        public static final int DEFAULT_MAX_CONCURRENT_MESSAGES = 10;

        /** Only the client, the queue and the listener are set. */
        public static Settings defaults() {
            return new Settings(false, DEFAULT_MAX_CONCURRENT_MESSAGES, null, null, null, -1);
        }

        /**
         * Tuned for throughput as its documentation advises: {@code maxConcurrentMessages} raised (the listener
         * pool follows it; {@code maxMessagesPerPoll} stays 10, SQS's most per receive, so that
         * {@code maxConcurrentMessages / 10} receives are in flight), {@code FIXED_HIGH_THROUGHPUT} so that every
         * free batch of permits polls at once rather than one poll at a time, polls that wait at most 1 s for a
         * full batch of permits, and deletes in full batches of 10 sent at least every 100 ms (the default 1 s
         * interval only delays the last partial batch). A FIFO queue keeps its default immediate deletes: with
         * these batched ones, a trial run of C stalled for minutes, since a group's next message waits for the
         * previous one's delete.
         *
         * @param maxConcurrentMessages messages in flight at most
         */
        public static Settings tuned(int maxConcurrentMessages) {
            return new Settings(true, maxConcurrentMessages, BackPressureMode.FIXED_HIGH_THROUGHPUT,
                    Duration.ofSeconds(1), Duration.ofMillis(100), 10);
        }

        /** A short description for a row's title. */
        public String describe() {
            return tuned ? "tuned: maxConcurrentMessages " + maxConcurrentMessages + ", maxMessagesPerPoll 10, "
                    + backPressureMode + ", maxDelayBetweenPolls " + maxDelayBetweenPolls.toMillis() + " ms, deletes "
                    + "batched by " + acknowledgementThreshold + " or every " + acknowledgementInterval.toMillis()
                    + " ms" : "default settings (maxConcurrentMessages " + maxConcurrentMessages + ")";
        }
    }

    private final SqsMessageListenerContainer<String> container;
    private final AtomicInteger handled = new AtomicInteger();
    private final AtomicInteger deleted = new AtomicInteger();

    private SpringCloudAwsConsumer(SqsAsyncClient sqs, String queueUrl, boolean fifo, Settings settings, String id,
            Consumer<Message<String>> handler, IntConsumer onDeleted) {
        this.container = SqsMessageListenerContainer.<String>builder()
                .id(id)
                .sqsAsyncClient(sqs)
                .queueNames(queueUrl)
                .messageListener(message -> {
                    handler.accept(message);
                    handled.incrementAndGet();
                })
                // The async callback runs where the delete's answer arrives. The blocking one is handed to the
                // listener pool, whose queue (as many tasks as threads) rejected it under load: deletes done but
                // never counted.
                .acknowledgementResultCallback(new AsyncAcknowledgementResultCallback<>() {
                    @Override
                    public CompletableFuture<Void> onSuccess(Collection<Message<String>> messages) {
                        deleted.addAndGet(messages.size());
                        onDeleted.accept(messages.size());
                        return CompletableFuture.completedFuture(null);
                    }
                })
                .configure(options -> {
                    if (!settings.tuned()) {
                        return;
                    }
                    options.maxConcurrentMessages(settings.maxConcurrentMessages())
                            .maxMessagesPerPoll(10)
                            .backPressureMode(settings.backPressureMode())
                            .maxDelayBetweenPolls(settings.maxDelayBetweenPolls());
                    if (!fifo) {
                        options.acknowledgementInterval(settings.acknowledgementInterval())
                                .acknowledgementThreshold(settings.acknowledgementThreshold());
                    }
                })
                .build();
    }

    /**
     * Builds and starts a container on one queue.
     *
     * @param sqs the client; not closed by {@link #close()}
     * @param queueUrl the queue's URL (the container also takes URLs for names)
     * @param settings its defaults or tuned
     * @param id the container's id, which names its threads
     * @param handler what the listener does with each message
     * @param onDeleted told how many messages each confirmed DeleteMessageBatch deleted, on the container's thread
     */
    public static SpringCloudAwsConsumer start(SqsAsyncClient sqs, String queueUrl, Settings settings, String id,
            Consumer<Message<String>> handler, IntConsumer onDeleted) {
        SpringCloudAwsConsumer consumer = new SpringCloudAwsConsumer(sqs, queueUrl, queueUrl.endsWith(".fifo"),
                settings, id, handler, onDeleted);
        consumer.container.start();
        return consumer;
    }

    /** Messages whose listener returned. */
    public int handled() {
        return handled.get();
    }

    /** Messages whose delete SQS confirmed. */
    public int deleted() {
        return deleted.get();
    }

    /**
     * Stops the container: it stops polling, waits for the listeners running (up to its listener shutdown
     * timeout, 20 s by default) and for the acknowledgements (up to another 20 s).
     */
    @Override
    public void close() {
        container.stop();
    }
}
