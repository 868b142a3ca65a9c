package io.github.sqsreliable.internal.observe;

import io.github.sqsreliable.observe.QueueDepth;
import io.github.sqsreliable.observe.QueueDepth.QueueRole;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Samples the depth of a consumer's queues with one {@code GetQueueAttributes} call per queue per interval, never per
 * message, and keeps the longest time a message received meanwhile had waited in SQS. Answers are taken on the
 * scheduler's thread, not the SDK's.
 */
public final class QueueSampler {

    private static final Logger log = LoggerFactory.getLogger(QueueSampler.class);
    private static final long NONE = -1;
    private static final List<QueueAttributeName> COUNTS = List.of(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);

    /**
     * A queue to sample.
     *
     * @param queueUrl the queue
     * @param role what it is to the consumer
     */
    public record SampledQueue(String queueUrl, QueueRole role) {
    }

    private final SqsAsyncClient client;
    private final Duration interval;
    private final Clock clock;
    private final LongAccumulator longestWaitMillis = new LongAccumulator(Math::max, NONE);
    private final Map<String, QueueDepth> latest = new ConcurrentHashMap<>();
    private final Map<String, String> reportedFailures = new ConcurrentHashMap<>();
    private volatile List<SampledQueue> queues = List.of();
    private volatile Optional<Duration> oldestMessageAge = Optional.empty();
    private volatile boolean sampled;
    private ScheduledFuture<?> task;

    /**
     * @param client the consumer's client
     * @param interval how often to sample; zero turns sampling off
     * @param clock for receipt times and sample times
     */
    public QueueSampler(SqsAsyncClient client, Duration interval, Clock clock) {
        this.client = client;
        this.interval = interval;
        this.clock = clock;
    }

    /** @return whether the sampler samples at all */
    public boolean enabled() {
        return !interval.isZero();
    }

    /**
     * Samples now and then once per interval, until {@link #stop()}.
     *
     * @param scheduler where samples are started and their answers taken
     * @param queues the queues to sample, each once
     * @param afterSample runs on the scheduler after each complete sample
     */
    public synchronized void start(ScheduledExecutorService scheduler, List<SampledQueue> queues, Runnable afterSample) {
        if (!enabled() || task != null) {
            return;
        }
        this.queues = List.copyOf(queues);
        task = scheduler.scheduleAtFixedRate(() -> sample(scheduler, afterSample), 0, interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Stops sampling; the last values stay readable. */
    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    /**
     * Notes a received message's wait in SQS. Cheap: one parse and one accumulate.
     *
     * @param sentTimestamp the message's {@code SentTimestamp} attribute (epoch milliseconds), or null
     * @param receivedMillis when its receive answered, epoch milliseconds
     */
    public void received(String sentTimestamp, long receivedMillis) {
        if (sentTimestamp == null || !enabled()) {
            return;
        }
        try {
            // Clocks differ a little between SQS and this host: a message is never younger than zero.
            longestWaitMillis.accumulate(Math.max(0, receivedMillis - Long.parseLong(sentTimestamp)));
        } catch (NumberFormatException e) {
            // Not SQS's format: the message simply does not count.
        }
    }

    /** @return the last sample of each queue, in the order they were given */
    public List<QueueDepth> queueDepths() {
        List<QueueDepth> depths = new ArrayList<>(queues.size());
        for (SampledQueue queue : queues) {
            QueueDepth depth = latest.get(queue.queueUrl());
            if (depth != null) {
                depths.add(depth);
            }
        }
        return depths;
    }

    /** @return see {@link io.github.sqsreliable.observe.ObservedConsumer#oldestMessageAge()} */
    public Optional<Duration> oldestMessageAge() {
        return oldestMessageAge;
    }

    /** @return whether a sample has completed */
    public boolean sampled() {
        return sampled;
    }

    private void sample(ScheduledExecutorService scheduler, Runnable afterSample) {
        List<SampledQueue> sampling = queues;
        List<CompletableFuture<?>> answers = new ArrayList<>(sampling.size());
        for (SampledQueue queue : sampling) {
            answers.add(client.getQueueAttributes(b -> b.queueUrl(queue.queueUrl()).attributeNames(COUNTS))
                    .whenCompleteAsync((answer, error) -> take(queue, answer, error), scheduler));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .whenCompleteAsync((ignored, error) -> finish(afterSample), scheduler);
    }

    private void take(SampledQueue queue, GetQueueAttributesResponse answer, Throwable error) {
        if (error != null) {
            String message = String.valueOf(error.getMessage());
            if (!message.equals(reportedFailures.put(queue.queueUrl(), message))) {
                log.warn("could not sample the depth of {} queue {}: {}; its gauges keep their last values",
                        queue.role().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), queue.queueUrl(),
                        message);
            }
            return;
        }
        reportedFailures.remove(queue.queueUrl());
        Map<String, String> values = answer.attributesAsStrings();
        latest.put(queue.queueUrl(), new QueueDepth(queue.queueUrl(), queue.role(),
                count(values, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                count(values, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
                count(values, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED), clock.instant()));
    }

    private void finish(Runnable afterSample) {
        long longest = longestWaitMillis.getThenReset();
        if (longest != NONE) {
            oldestMessageAge = Optional.of(Duration.ofMillis(longest));
        } else {
            QueueDepth main = queues.isEmpty() ? null : latest.get(queues.get(0).queueUrl());
            oldestMessageAge = main != null && main.visible() == 0 ? Optional.of(Duration.ZERO) : Optional.empty();
        }
        sampled = true;
        try {
            afterSample.run();
        } catch (RuntimeException e) {
            log.warn("reporting a queue sample failed", e);
        }
    }

    private static long count(Map<String, String> values, QueueAttributeName name) {
        String value = values.get(name.toString());
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
