package io.github.sqsreliable.internal.receive;

import io.github.sqsreliable.SqsReliableException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What the consumer needs to know about its queue, read once at start: whether it is FIFO and its default
 * visibility timeout, its RedrivePolicy and its largest message.
 *
 * @param fifo whether the queue is FIFO ({@code FifoQueue} attribute, or a name ending in {@code .fifo})
 * @param visibilityTimeout the queue's {@code VisibilityTimeout}
 * @param queueArn the queue's ARN
 * @param redriveMaxReceiveCount the RedrivePolicy's {@code maxReceiveCount}, or 0 without a RedrivePolicy
 * @param redriveTargetArn the RedrivePolicy's {@code deadLetterTargetArn}, or null
 * @param maxMessageBytes the queue's {@code MaximumMessageSize}, or SQS's largest ({@value #SQS_MAX_MESSAGE_BYTES})
 *     when the queue does not say (ElasticMQ does not)
 */
public record QueueProfile(boolean fifo, Duration visibilityTimeout, String queueArn, int redriveMaxReceiveCount,
                           String redriveTargetArn, long maxMessageBytes) {

    /** The largest message SQS accepts on any queue: 1 MiB. */
    public static final long SQS_MAX_MESSAGE_BYTES = 1_048_576;

    private static final Pattern MAX_RECEIVE_COUNT = Pattern.compile("\"maxReceiveCount\"\\s*:\\s*\"?(\\d+)");
    private static final Pattern TARGET_ARN = Pattern.compile("\"deadLetterTargetArn\"\\s*:\\s*\"([^\"]+)\"");

    /** @return whether the queue has a RedrivePolicy */
    public boolean hasRedrivePolicy() {
        return redriveMaxReceiveCount > 0;
    }

    /**
     * Reads the queue's attributes.
     *
     * @param client the client
     * @param queueUrl the queue
     * @param timeout how long to wait for SQS
     * @return the profile
     * @throws SqsReliableException if SQS does not answer within {@code timeout} (the message says so and
     *     gives the timeout), or answers with an error (the message gives the cause's)
     */
    public static QueueProfile read(SqsAsyncClient client, String queueUrl, Duration timeout) {
        Map<QueueAttributeName, String> attributes;
        try {
            attributes = client.getQueueAttributes(GetQueueAttributesRequest.builder()
                            .queueUrl(queueUrl)
                            .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT, QueueAttributeName.FIFO_QUEUE,
                                    QueueAttributeName.QUEUE_ARN, QueueAttributeName.REDRIVE_POLICY,
                                    QueueAttributeName.MAXIMUM_MESSAGE_SIZE)
                            .build())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .attributes();
        } catch (ExecutionException e) {
            throw SqsReliableException.queueUnavailable(queueUrl, e.getCause());
        } catch (TimeoutException e) {
            throw SqsReliableException.queueAttributesTimedOut(queueUrl, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SqsReliableException.queueUnavailable(queueUrl, e);
        }
        boolean fifo = Boolean.parseBoolean(attributes.get(QueueAttributeName.FIFO_QUEUE)) || queueUrl.endsWith(".fifo");
        String visibility = attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT);
        Duration visibilityTimeout = Duration.ofSeconds(visibility == null ? 30 : Long.parseLong(visibility));
        String redrivePolicy = attributes.getOrDefault(QueueAttributeName.REDRIVE_POLICY, "");
        Matcher maxReceiveCount = MAX_RECEIVE_COUNT.matcher(redrivePolicy);
        Matcher targetArn = TARGET_ARN.matcher(redrivePolicy);
        return new QueueProfile(fifo, visibilityTimeout, attributes.get(QueueAttributeName.QUEUE_ARN),
                maxReceiveCount.find() ? Integer.parseInt(maxReceiveCount.group(1)) : 0,
                targetArn.find() ? targetArn.group(1) : null, maxMessageBytes(attributes));
    }

    private static long maxMessageBytes(Map<QueueAttributeName, String> attributes) {
        String value = attributes.get(QueueAttributeName.MAXIMUM_MESSAGE_SIZE);
        try {
            long bytes = value == null ? SQS_MAX_MESSAGE_BYTES : Long.parseLong(value.trim());
            return bytes > 0 && bytes <= SQS_MAX_MESSAGE_BYTES ? bytes : SQS_MAX_MESSAGE_BYTES;
        } catch (NumberFormatException e) {
            return SQS_MAX_MESSAGE_BYTES;
        }
    }
}
