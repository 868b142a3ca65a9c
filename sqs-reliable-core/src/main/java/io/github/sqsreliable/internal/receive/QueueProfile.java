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
 * visibility timeout.
 *
 * @param fifo whether the queue is FIFO ({@code FifoQueue} attribute, or a name ending in {@code .fifo})
 * @param visibilityTimeout the queue's {@code VisibilityTimeout}
 * @param queueArn the queue's ARN
 * @param redriveMaxReceiveCount the RedrivePolicy's {@code maxReceiveCount}, or 0 without a RedrivePolicy
 * @param redriveTargetArn the RedrivePolicy's {@code deadLetterTargetArn}, or null
 */
public record QueueProfile(boolean fifo, Duration visibilityTimeout, String queueArn, int redriveMaxReceiveCount,
                           String redriveTargetArn) {

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
                                    QueueAttributeName.QUEUE_ARN, QueueAttributeName.REDRIVE_POLICY)
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
                targetArn.find() ? targetArn.group(1) : null);
    }
}
