package io.github.sqsreliable.observe;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a running consumer tells about itself at any moment, for gauges: counters, what it holds now, and the depth
 * of its queues as last sampled. A {@link ConsumerListener} is given one when the consumer starts. Every method is
 * cheap, thread-safe and never calls SQS: queue depths come from a sampler that calls {@code GetQueueAttributes} once
 * per queue per interval ({@code SqsConsumer.Builder#queueSampling}).
 */
public interface ObservedConsumer {

    /** @return the consumer's name, as given to its builder (default: the queue's name) */
    String name();

    /** @return the queue the consumer was built for */
    String queueUrl();

    /** @return the most handlers that run at once */
    int maxConcurrency();

    /** @return a snapshot of the counters and handler latencies */
    ConsumerMetrics metrics();

    /** @return handler calls running now */
    int handling();

    /**
     * @return the bytes of the consumer's byte budget in use now: the messages it holds (as SQS counts a message's
     *     size) plus the room reserved for the receives in flight, each at the queue's maximum message size
     */
    long heldBytes();

    /**
     * @return the last sample of each queue the consumer reads or moves messages to (main, retry and dead-letter
     *     queues); empty before the first answer, in AWS Lambda, or when sampling is off
     */
    List<QueueDepth> queueDepths();

    /**
     * The longest a message received in the last sampling interval had waited in SQS when it arrived: its receipt
     * time minus its {@code SentTimestamp}. A message retried on the same queue keeps its first SentTimestamp;
     * a copy on a retry queue has its own. Zero when nothing was received and the main queue had nothing visible.
     *
     * @return the age, or empty when unknown: before the first sample, with sampling off, or when messages were
     *     visible but none was received in the interval (the consumer is then stalled or saturated, and SQS's own
     *     {@code ApproximateAgeOfOldestMessage} is the measure to watch)
     */
    Optional<Duration> oldestMessageAge();

    /**
     * Visible messages of the main and retry queues per worker: their sum divided by {@link #maxConcurrency()}.
     * AWS's recommended signal for scaling consumers by target tracking: scale out above the number of messages one
     * worker can handle within the latency you accept.
     *
     * @return the backlog per worker, or empty before the first sample or with sampling off
     */
    OptionalDouble backlogPerWorker();
}
