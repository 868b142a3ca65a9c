package io.github.sqsreliable.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What queue {@link SqsTestExtension} creates for a {@link TestQueue} parameter. A parameter without it gets a
 * standard queue with a 30 s visibility timeout and no companion queues.
 *
 * <pre>{@code
 * @Test
 * void poisonReachesTheDeadLetterQueue(@QueueOptions(deadLetterQueue = true) TestQueue queue) { ... }
 * }</pre>
 *
 * <p>sqs-reliable routes failures itself: give the consumer {@link TestQueue#deadLetterQueueUrl()} in
 * {@code retry(r -> r....thenDeadLetter(url))} and {@link TestQueue#retryQueueUrl()} in {@code thenQueue(...)}.
 * Only with {@link #maxReceiveCount()} above 0 does the source queue also get an SQS RedrivePolicy to the
 * dead-letter queue, for testing what SQS itself does with a message received too often.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface QueueOptions {

    /**
     * Whether the queue (and its companions) are FIFO queues. Default {@code false}.
     *
     * @return whether FIFO
     */
    boolean fifo() default false;

    /**
     * Whether to create a dead-letter queue beside it (of the same kind), at {@link TestQueue#deadLetterQueueUrl()}.
     * Default {@code false}.
     *
     * @return whether to create a dead-letter queue
     */
    boolean deadLetterQueue() default false;

    /**
     * Whether to create a retry queue beside it, at {@link TestQueue#retryQueueUrl()}. Not with {@link #fifo()}:
     * sqs-reliable's retry queues are for standard queues only, as a second queue would break a group's order.
     * Default {@code false}.
     *
     * @return whether to create a retry queue
     */
    boolean retryQueue() default false;

    /**
     * The visibility timeout of the queue and its companions, as an ISO-8601 duration in whole seconds, e.g.
     * {@code "PT2S"}. Default {@code "PT30S"}, SQS's default.
     *
     * @return the visibility timeout
     */
    String visibilityTimeout() default "PT30S";

    /**
     * Above 0, the queue gets an SQS RedrivePolicy to its dead-letter queue with this {@code maxReceiveCount}, and
     * {@link #deadLetterQueue()} must be {@code true}. Default 0: no RedrivePolicy, the consumer's retry policy
     * alone dead-letters.
     *
     * @return the RedrivePolicy's maxReceiveCount, or 0 for none
     */
    int maxReceiveCount() default 0;
}
